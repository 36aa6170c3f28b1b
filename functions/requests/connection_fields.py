"""The fields of a technological connection application as ПП № 861 asks them (п. 9: what it states;
п. 14 for a household), and the facts its procedure is derived from (connection_rules.py).

Every rule that depends on the procedure reads the procedure's row (`Procedure`): what the application
must state (stages, the character of the load), what it must not (a reserve where none applies). Each
refusal names its field and its clause. The letters of п. 9's subpoints are not cited: the search
tool found no text of п. 9 in the edition in force, and the letters the older code cited did not match
it (the issue); п. 9 is cited whole. Stored applications of older code (with `applicant_category`,
`passport_*`, `design_until`) are still read: `facts_of` (connection_rules.py) derives their
procedure from what they hold.
"""

from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from functions.common.fields import CadastralNumber, Inn, Ogrn, inn_rule, ogrn_rule
from functions.requests.connection_rules import (
    APPLICANT_TITLES,
    PURPOSE_TITLES,
    ApplicantFacts,
    ApplicantKind,
    Procedure,
    Purpose,
    derive_procedure,
    procedures_schema,
)
from functions.requests.type_fields import (
    FROM_OBJECT_ADDRESS,
    RELIABILITY_LABELS,
    VOLTAGE_LABELS,
    FutureDate,
    Line,
    PastDate,
    TypeFields,
    one_of,
)

MAX_POWER_KW = Decimal(15000)
MAX_POINTS = 10
MAX_STAGES = 10

Voltage = Literal["0.22", "0.4", "6", "10", "20", "35", "110"]
Power = Annotated[Decimal, Field(ge=0, le=MAX_POWER_KW, max_digits=8, decimal_places=3)]
PositivePower = Annotated[Decimal, Field(gt=0, le=MAX_POWER_KW, max_digits=8, decimal_places=3)]

CONNECTION_REASON_LABELS = {
    "new": "Новое присоединение",
    "power_increase": "Увеличение максимальной мощности",
    "scheme_change": "Изменение схемы внешнего электроснабжения",
    # ПП № 861, п. 2: a change not revising the maximum power still needs the procedure.
    "reliability_or_points_change": "Изменение категории надёжности, точек присоединения",
    "temporary": "Временное присоединение",
}
SUPPLY_CONTRACT_LABELS = {
    "energy_supply": "Договор энергоснабжения",
    "purchase_sale": "Договор купли-продажи (поставки) электрической энергии",
}
LOCATION_LABELS = {"urban": "Город или посёлок городского типа", "rural": "Сельская местность"}
IDENTITY_KIND_LABELS = {
    "passport_rf": "Паспорт гражданина РФ",
    "foreign_passport": "Паспорт иностранного гражданина",
    "residence_permit": "Вид на жительство",
    "temporary_certificate": "Временное удостоверение личности гражданина РФ",
    "other": "Иной документ, удостоверяющий личность",
}


class ConnectionPoint(BaseModel):
    """A connection point (п. 9: each with its power, voltage and what is connected already)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", title="Точка присоединения")
    ITEM_TITLE: ClassVar[str] = "точка"  # messages: «Мощность в точке, кВт (точка 2)»

    name: Line = Field(title="Точка присоединения", description="Например, ВРУ-0,4 кВ жилого дома")
    max_power_kw: PositivePower = Field(title="Мощность в точке, кВт")
    voltage_kv: Voltage = Field(title="Напряжение в точке", json_schema_extra=one_of(VOLTAGE_LABELS))
    existing_power_kw: Power = Field(default=Decimal(0), title="Ранее присоединённая в точке, кВт")


class ConnectionStage(BaseModel):
    """A stage of design and commissioning with its power (п. 9)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", title="Этап ввода")
    ITEM_TITLE: ClassVar[str] = "этап"

    name: Line = Field(title="Этап", description="Например, 1-я очередь")
    until: FutureDate = Field(title="Срок ввода этапа")
    max_power_kw: PositivePower = Field(title="Мощность этапа, кВт")


class Reserve(BaseModel):
    """Technological and emergency reserve (бронь) of supply, where it applies (п. 9)."""

    model_config = ConfigDict(extra="forbid", title="Бронь электроснабжения")

    technological_kw: Power = Field(default=Decimal(0), title="Технологическая бронь, кВт")
    emergency_kw: Power = Field(default=Decimal(0), title="Аварийная бронь, кВт")


Problem = tuple[tuple[str | int, ...], str]
_IDENTITY = ("identity_document_kind", "identity_document_number", "identity_document_issued_on")
# Who states what (п. 9): field → the applicant kinds that must state it; any other must not (an
# entrepreneur may give an identity document).
_REQUISITES: dict[str, tuple[ApplicantKind, ...]] = {
    **dict.fromkeys(_IDENTITY, ("person",)),
    "identity_document_issued_by": ("person",),
    "organisation_name": ("organisation",),
    "ogrn": ("entrepreneur", "organisation"),
    "egrip_recorded_on": ("entrepreneur",),
    "inn": ("entrepreneur", "organisation"),
}


def _requisites_schema() -> dict[str, Any]:
    """`x-requisites` of the schema: each applicant's field → the kinds that must state it and those
    that may, so that the form shows a person's passport and an organisation's ОГРН, not both."""
    identity = (*_IDENTITY, "identity_document_issued_by", "identity_document_series")
    shown: dict[str, list[str]] = {name: [str(kind) for kind in kinds] for name, kinds in _REQUISITES.items()}
    return {
        name: {
            "required": shown.get(name, []),
            "allowed": ["person", "entrepreneur"] if name in identity else shown[name],
        }
        for name in (*_REQUISITES, "identity_document_series")
    }


class ConnectionFields(TypeFields):
    """An application for technological connection as ПП № 861 wants it. The applicant states who
    they are, for what and how much; the portal derives the procedure (connection_rules.py)."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        extra="forbid",
        json_schema_extra={"x-procedures": procedures_schema(), "x-requisites": _requisites_schema()},
    )

    applicant_kind: ApplicantKind = Field(title="Заявитель", json_schema_extra=one_of(APPLICANT_TITLES))
    purpose: Purpose = Field(title="Для каких нужд", json_schema_extra=one_of(PURPOSE_TITLES))
    residence_address: Line = Field(
        title="Место жительства или место нахождения заявителя",
        description="Для гражданина — адрес регистрации, для организации — адрес из ЕГРЮЛ (ПП № 861, п. 9)",
    )
    identity_document_kind: (
        Literal["passport_rf", "foreign_passport", "residence_permit", "temporary_certificate", "other"]
        | None
    ) = Field(
        default=None,
        title="Документ, удостоверяющий личность",
        description="Для гражданина; предприниматель — по желанию",
        json_schema_extra=one_of(IDENTITY_KIND_LABELS),
    )
    identity_document_series: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        default=None, title="Серия документа"
    )
    identity_document_number: Annotated[str, StringConstraints(min_length=1, max_length=30)] | None = Field(
        default=None, title="Номер документа"
    )
    identity_document_issued_on: PastDate | None = Field(default=None, title="Дата выдачи документа")
    identity_document_issued_by: Line | None = Field(default=None, title="Кем выдан документ")
    organisation_name: Line | None = Field(
        default=None, title="Полное наименование организации", description="Для юридического лица"
    )
    ogrn: Ogrn | None = Field(
        default=None,
        title="ОГРН или ОГРНИП",
        description="Номер записи в ЕГРЮЛ (13 цифр) или ЕГРИП (15 цифр), с контрольной цифрой",
    )
    egrip_recorded_on: PastDate | None = Field(
        default=None, title="Дата записи в ЕГРИП", description="Для индивидуального предпринимателя"
    )
    inn: Inn | None = Field(
        default=None, title="ИНН", description="10 цифр у организации, 12 у предпринимателя"
    )
    object_name: Line = Field(
        title="Наименование объекта",
        description="Например, жилой дом, гараж, магазин",
        json_schema_extra={"x-object": "name"},
    )
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
        description="Если кадастрового номера нет: например, договор аренды № 12 от 01.03.2024",
    )
    reason: Literal["new", "power_increase", "scheme_change", "reliability_or_points_change", "temporary"] = (
        Field(title="Причина обращения", json_schema_extra=one_of(CONNECTION_REASON_LABELS))
    )
    temporary_until: FutureDate | None = Field(
        default=None, title="Временное присоединение до", description="Только для временного присоединения"
    )
    max_power_kw: PositivePower = Field(
        title="Запрашиваемая максимальная мощность, кВт",
        description="Новая мощность, без ранее присоединённой",
    )
    existing_power_kw: Power = Field(
        default=Decimal(0),
        title="Ранее присоединённая мощность, кВт",
        description="Если устройства уже присоединены (увеличение мощности); иначе 0",
    )
    voltage_kv: Voltage = Field(title="Уровень напряжения", json_schema_extra=one_of(VOLTAGE_LABELS))
    reliability_category: Literal["I", "II", "III"] = Field(
        title="Категория надёжности", json_schema_extra=one_of(RELIABILITY_LABELS)
    )
    supply_sources: int = Field(
        default=1, ge=1, le=3, title="Число источников электроснабжения", description="1, 2 или 3"
    )
    points: list[ConnectionPoint] = Field(
        min_length=1, max_length=MAX_POINTS, title="Точки присоединения", description="ПП № 861, п. 9"
    )
    load_character: Line | None = Field(
        default=None,
        title="Характер нагрузки",
        description="Вид деятельности и нагрузки, например «торговля, освещение и вентиляция»",
    )
    reserve: Reserve | None = Field(default=None, title="Бронь электроснабжения")
    stages: list[ConnectionStage] | None = Field(
        default=None, max_length=MAX_STAGES, title="Этапы ввода", description="С мощностью каждого этапа"
    )
    supply_contract: Literal["energy_supply", "purchase_sale"] = Field(
        title="Вид договора с поставщиком", json_schema_extra=one_of(SUPPLY_CONTRACT_LABELS)
    )
    guaranteeing_supplier: Line = Field(
        title="Гарантирующий поставщик", description="С кем планируется договор (ПП № 861, п. 9)"
    )
    # The issue's `location`: named `settlement` because `fields.location` is grid theft's place, and
    # a field's name means one thing in every type (functions/common/labels.py).
    settlement: Literal["urban", "rural"] = Field(
        title="Местность", description="Влияет на срок и плату", json_schema_extra=one_of(LOCATION_LABELS)
    )
    grid_distance_m: int | None = Field(
        default=None, ge=0, le=100000, title="Расстояние до сетей, м", description="От границы участка"
    )

    @model_validator(mode="before")
    @classmethod
    def _location_is_the_settlement(cls, data: Any) -> Any:
        """`location: urban | rural` (the name ПП № 861's readers use) is taken as `settlement`."""
        if isinstance(data, dict) and data.get("location") in LOCATION_LABELS and "settlement" not in data:
            data = {**data, "settlement": data["location"]}
            del data["location"]
        return data

    @model_validator(mode="after")
    def _by_the_rules(self) -> "ConnectionFields":
        """The rules of the application's procedure, every broken one named on its field."""
        found = [
            InitErrorDetails(type=PydanticCustomError("connection_rule", message), loc=loc, input=None)
            for loc, message in connection_problems(self)
        ]
        if found:
            raise ValidationError.from_exception_data("ConnectionFields", found)
        return self

    def facts(self) -> ApplicantFacts:
        return ApplicantFacts(
            kind=self.applicant_kind,
            purpose=self.purpose,
            new_power_kw=self.max_power_kw,
            existing_power_kw=self.existing_power_kw,
            reliability=self.reliability_category,
            voltage_kv=Decimal(self.voltage_kv),
            sources=self.supply_sources,
        )


OGRN_LENGTH: dict[str, int] = {"entrepreneur": 15, "organisation": 13}
INN_LENGTH: dict[str, int] = {"entrepreneur": 12, "organisation": 10}


def _kw(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def connection_problems(fields: ConnectionFields) -> list[Problem]:
    """((field,), what to fix, with the clause) for each rule the application breaks."""
    row = derive_procedure(fields.facts())
    return [
        *_requisites(fields),
        *_points(fields),
        *_procedure_asks(fields, row),
        *_power_increase(fields),
        *_temporary(fields),
        *_title(fields),
    ]


def _requisites(fields: ConnectionFields) -> list[Problem]:
    kind = fields.applicant_kind
    who = APPLICANT_TITLES[kind].lower()
    problems: list[Problem] = []
    for name, kinds in _REQUISITES.items():
        given = getattr(fields, name) is not None
        if kind in kinds and not given:
            problems.append(((name,), f"Обязательно для заявителя — {who} (ПП № 861, п. 9)."))
        elif kind not in kinds and given and not (kind == "entrepreneur" and name.startswith("identity")):
            problems.append(((name,), f"Не заполняйте для заявителя — {who}."))
    if kind == "organisation" and fields.identity_document_series is not None:
        problems.append((("identity_document_series",), f"Не заполняйте для заявителя — {who}."))
    if fields.ogrn is not None and kind in OGRN_LENGTH and len(fields.ogrn) != OGRN_LENGTH[kind]:
        problems.append((("ogrn",), ogrn_rule(OGRN_LENGTH[kind])))
    if fields.inn is not None and kind in INN_LENGTH and len(fields.inn) != INN_LENGTH[kind]:
        problems.append((("inn",), inn_rule(INN_LENGTH[kind])))
    return problems


def _points(fields: ConnectionFields) -> list[Problem]:
    total = sum((point.max_power_kw for point in fields.points), Decimal(0))
    if total == fields.max_power_kw:
        return []
    return [
        (
            ("points",),
            f"Сумма мощностей точек присоединения ({_kw(total)} кВт) должна быть равна запрашиваемой "
            f"максимальной мощности ({_kw(fields.max_power_kw)} кВт) (ПП № 861, п. 9).",
        )
    ]


def _procedure_asks(fields: ConnectionFields, row: Procedure) -> list[Problem]:
    """What the derived procedure asks for and what it has no place for."""
    problems: list[Problem] = []
    named = f"по порядку «{row.title}» ({row.clause})"
    if row.stages_required and not fields.stages:
        problems.append((("stages",), f"Укажите этапы ввода с мощностью каждого: обязательны {named}, п. 9."))
    if fields.stages:
        total = sum((stage.max_power_kw for stage in fields.stages), Decimal(0))
        if total != fields.max_power_kw:
            problems.append(
                (
                    ("stages",),
                    f"Сумма мощностей этапов ({_kw(total)} кВт) должна быть равна запрашиваемой мощности "
                    f"({_kw(fields.max_power_kw)} кВт) (ПП № 861, п. 9).",
                )
            )
        dates = [stage.until for stage in fields.stages]
        if dates != sorted(dates):
            problems.append((("stages",), "Этапы перечислите по порядку сроков ввода (ПП № 861, п. 9)."))
    if row.load_character_required and fields.load_character is None:
        problems.append((("load_character",), f"Укажите характер нагрузки: обязателен {named}, п. 9."))
    if fields.reserve is not None and not row.reserve_applies:
        problems.append((("reserve",), f"Бронь электроснабжения не указывают {named}: уберите её."))
    return problems


def _power_increase(fields: ConnectionFields) -> list[Problem]:
    if fields.reason != "power_increase" or fields.existing_power_kw > 0:
        return []
    return [
        (
            ("existing_power_kw",),
            "При увеличении мощности укажите ранее присоединённую мощность (ПП № 861, п. 9).",
        )
    ]


def _temporary(fields: ConnectionFields) -> list[Problem]:
    if fields.reason == "temporary" and fields.temporary_until is None:
        what = "Укажите, до какой даты нужно временное присоединение (ПП № 861, п. 2)."
        return [(("temporary_until",), what)]
    if fields.reason != "temporary" and fields.temporary_until is not None:
        return [(("temporary_until",), "Срок указывают только для временного присоединения.")]
    return []


def _title(fields: ConnectionFields) -> list[Problem]:
    if fields.cadastral_number is not None or fields.title_document is not None:
        return []
    return [
        (
            ("title_document",),
            "Укажите кадастровый номер или, если его нет, документ о праве на объект (ПП № 861, п. 10 «г»).",
        )
    ]
