"""Meter readings: the tariffs of each meter type, what a consumer sends, what the API answers. The
meter number and the meter type are field types shared with «Мои объекты» and the requests
(functions/common/fields.py).

Values are `Decimal`, never floats. A reading value is accepted as a JSON string ("1234,5" with a
comma as Russians type it, or "1234.5") or a JSON number; it is non-negative, has at most 9 digits
before and 2 after the decimal point, and is kept with exactly two decimal places. The API answers
amounts as JSON strings with two decimals ("1234.50"), so no client ever parses them into a float.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

from functions.common.fields import MeterNumber, MeterType, MeterTypeField
from functions.common.labels import field_labels


class Source(StrEnum):
    """Where a reading came from: typed in by the consumer, or taken from ASKUE by the sync."""

    MANUAL = "manual"
    ASKUE = "askue"


Tariff = Literal["t1", "t2", "t3"]

METER_TYPE_LABELS: dict[MeterType, str] = {
    MeterType.SINGLE_TARIFF: "Однотарифный",
    MeterType.TWO_TARIFF: "Двухтарифный (день/ночь)",
    MeterType.THREE_TARIFF: "Трёхтарифный (пик/ночь/полупик)",
}
# "registered as …": the type in the words of an error message.
METER_TYPE_ADJECTIVES: dict[MeterType, str] = {
    MeterType.SINGLE_TARIFF: "однотарифный",
    MeterType.TWO_TARIFF: "двухтарифный (день/ночь)",
    MeterType.THREE_TARIFF: "трёхтарифный (пик/ночь/полупик)",
}
METER_TYPE_GENITIVE: dict[MeterType, str] = {
    MeterType.SINGLE_TARIFF: "однотарифного",
    MeterType.TWO_TARIFF: "двухтарифного",
    MeterType.THREE_TARIFF: "трёхтарифного",
}
TARIFF_LABELS: dict[MeterType, dict[Tariff, str]] = {
    MeterType.SINGLE_TARIFF: {"t1": "Т1"},
    MeterType.TWO_TARIFF: {"t1": "Т1 (день)", "t2": "Т2 (ночь)"},
    MeterType.THREE_TARIFF: {"t1": "Т1 (пик)", "t2": "Т2 (ночь)", "t3": "Т3 (полупик)"},
}
ALL_TARIFFS: tuple[Tariff, ...] = ("t1", "t2", "t3")
SOURCE_LABELS: dict[Source, str] = {Source.MANUAL: "Вручную", Source.ASKUE: "АСКУЭ"}

# ---------------------------------------------------------------- reading values

MAX_WHOLE_DIGITS = 9
MAX_DECIMAL_PLACES = 2
CENT = Decimal("0.01")
MILLI = Decimal("0.001")  # an ASKUE value's precision (watt-hours): functions/readings/service.py
# ASCII digits only (Python's \d also takes other scripts' digits), and the spaces people put between
# groups of digits: a space, a no-break space (Intl 'ru-RU'), a thin and a narrow no-break space.
_NUMBER = re.compile(r"^([0-9]+)(?:\.([0-9]+))?$")
_SPACE_CLASS = "[ \u00a0\u2009\u202f]"
_SPACES = re.compile(_SPACE_CLASS)
# What the API reads as a reading (the digit limits are the parser's) or as "not given" (blank).
READING_TEXT_PATTERN = (
    rf"^{_SPACE_CLASS}*(?:(?:[0-9]{_SPACE_CLASS}*)+(?:[.,]{_SPACE_CLASS}*(?:[0-9]{_SPACE_CLASS}*)+)?)?$"
)


class ReadingValueError(ValueError):
    """A value that is not a meter reading; `kind` and `message` are what the consumer reads."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _as_text(raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ReadingValueError("reading_not_a_number", _NOT_A_NUMBER)
    if isinstance(raw, float | Decimal):
        try:
            # repr of a JSON number is its shortest exact spelling; "f" writes out any exponent.
            return format(Decimal(repr(raw)) if isinstance(raw, float) else raw, "f")
        except (InvalidOperation, ValueError) as error:
            raise ReadingValueError("reading_not_a_number", _NOT_A_NUMBER) from error
    return _SPACES.sub("", str(raw))


_NOT_A_NUMBER = (
    "Введите показание цифрами, например 1234,5: целая часть и, если нужно, до двух цифр после "
    "запятой (можно и точки)."
)


def parse_reading_value(raw: object) -> Decimal:
    """A reading as typed ("12 345,6", "1234.50", 1234.5) → Decimal with two places.

    Refuses (ReadingValueError) a sign (also "-0", and the JSON numbers -0, -0.0 and -0e0, which
    functions.common.safe_json reads as the float -0.0), letters and exponents ("1e3", "NaN",
    "Infinity"), more than 9 digits before or 2 after the point; trailing zeros after the point
    do not count ("1,500" is 1,5). Spaces between digit groups are ignored.
    """
    text = _as_text(raw)
    if text.startswith(("-", "−")):
        raise ReadingValueError(
            "reading_negative", "Показание не может быть отрицательным: введите его без знака «минус»."
        )
    found = _NUMBER.match(text.replace(",", ".", 1))
    if found is None:
        raise ReadingValueError("reading_not_a_number", _NOT_A_NUMBER)
    whole, fraction = found.group(1).lstrip("0"), (found.group(2) or "").rstrip("0")
    if len(whole) > MAX_WHOLE_DIGITS:
        raise ReadingValueError(
            "reading_too_many_digits", f"Показание: не больше {MAX_WHOLE_DIGITS} цифр до запятой."
        )
    if len(fraction) > MAX_DECIMAL_PLACES:
        raise ReadingValueError(
            "reading_too_many_decimals", f"Показание: не больше {MAX_DECIMAL_PLACES} цифр после запятой."
        )
    return Decimal(f"{whole or '0'}.{fraction or '0'}").quantize(CENT)


def _reading_value(raw: object) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and _SPACES.sub("", raw) == ""):
        return None  # not given: whether it is needed depends on the meter type
    try:
        return parse_reading_value(raw)
    except ReadingValueError as error:
        raise PydanticCustomError(error.kind, error.message) from None


ReadingValue = Annotated[
    Decimal | None,
    BeforeValidator(_reading_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": READING_TEXT_PATTERN},
                {
                    "type": "number",
                    "minimum": 0,
                    "description": "Без знака «минус», как и строка: -0, -0.0 и -0e0 не принимаются",
                },
                {"type": "null"},
            ],
            "description": "Показание, кВт·ч: до 9 цифр до и до 2 после запятой (или точки); пробелы "
            "между группами цифр допустимы; пустая строка или null — показание не передано",
            "examples": ["12345,6"],
        }
    ),
]


def _places(value: Decimal) -> str:
    """Two decimals, three when the value has a third (an ASKUE value, as ASKUE sends it)."""
    cents = value.quantize(CENT)
    return f"{cents}" if cents == value else f"{value.quantize(MILLI)}"


Amount = Annotated[
    Decimal,
    PlainSerializer(_places, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{1,9}\.\d{2,3}$", "examples": ["12345.60", "27533.938"]}
    ),
]
"""An amount of energy (a reading or a consumption), kWh, answered as a string with two decimals, or
three when ASKUE sent three (a value typed in has two at most)."""


class TariffValues(BaseModel):
    """The reading per tariff; which tariffs are required depends on the meter type."""

    model_config = ConfigDict(extra="forbid")

    t1: ReadingValue = Field(default=None, title="Т1")
    t2: ReadingValue = Field(default=None, title="Т2 (ночь)")
    t3: ReadingValue = Field(default=None, title="Т3 (полупик)")

    def present(self) -> dict[Tariff, Decimal]:
        return {t: v for t in ALL_TARIFFS if (v := getattr(self, t)) is not None}


def _tariff_errors(meter_type: MeterType, given: set[str]) -> list[InitErrorDetails]:
    labels = TARIFF_LABELS[meter_type]
    errors: list[InitErrorDetails] = []
    for tariff in ALL_TARIFFS:
        if tariff in labels and tariff not in given:
            message = f"Введите показание по тарифу {labels[tariff]}."
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError("tariff_missing", message), loc=(tariff,), input=None
                )
            )
        elif tariff not in labels and tariff in given:
            message = (
                f"У {METER_TYPE_GENITIVE[meter_type]} прибора учёта нет тарифа Т{tariff[1]}: "
                f"уберите это показание или выберите другой тип прибора."
            )
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError("tariff_unexpected", message), loc=(tariff,), input=None
                )
            )
    return errors


_PYDANTIC_ERROR_TYPES = frozenset(get_args(ErrorType))


def _again(error: ErrorDetails) -> InitErrorDetails:
    """A validation error as it can be raised once more (with others)."""
    kind = error["type"]
    again = InitErrorDetails(
        type=kind if kind in _PYDANTIC_ERROR_TYPES else PydanticCustomError(kind, error["msg"]),
        loc=error["loc"],
        input=error["input"],
    )
    if "ctx" in error and kind in _PYDANTIC_ERROR_TYPES:
        again["ctx"] = error["ctx"]
    return again


def _given(raw: object) -> set[str]:
    """The tariffs a consumer filled in (a blank string is not filled in)."""
    if not isinstance(raw, dict):
        return set()
    return {t for t in ALL_TARIFFS if raw.get(t) is not None and str(raw[t]).strip() != ""}


# OpenAPI: a tariff of the type has a value (digits, as validated by parse_reading_value); a tariff
# the type lacks is left out, null or blank.
_READING_DIGITS = (
    rf"^{_SPACE_CLASS}*(?:0{_SPACE_CLASS}*)*(?:[0-9]{_SPACE_CLASS}*){{1,{MAX_WHOLE_DIGITS}}}"
    rf"(?:[.,]{_SPACE_CLASS}*(?:[0-9]{_SPACE_CLASS}*){{1,{MAX_DECIMAL_PLACES}}}(?:0{_SPACE_CLASS}*)*)?$"
)
_GIVEN_VALUE: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": _READING_DIGITS},
        {"type": "number", "minimum": 0, "maximum": 999_999_999.99},
    ],
    "description": "Показание, кВт·ч: до 9 цифр до и до 2 после запятой (или точки); пробелы между "
    "группами цифр допустимы; число — без знака (-0 не принимается) и не больше двух знаков после точки",
    "examples": ["12345,6"],
}
_NOT_GIVEN: dict[str, Any] = {
    "anyOf": [{"type": "null"}, {"type": "string", "pattern": f"^{_SPACE_CLASS}*$"}],
    "description": "Тарифа у этого типа прибора нет: не передавайте поле (или null, пустая строка)",
}


def _one_shape_per_meter_type(schema: dict[str, Any]) -> None:
    """The document states the tariffs each meter type takes: a union discriminated by meter_type."""
    properties = schema["properties"]
    shapes = []
    for meter_type, labels in TARIFF_LABELS.items():
        shapes.append(
            {
                "type": "object",
                "title": METER_TYPE_LABELS[meter_type],
                "additionalProperties": False,
                "required": ["meter_type", "meter_number", "values"],
                "properties": {
                    "meter_type": {"type": "string", "const": meter_type.value},
                    "meter_number": properties["meter_number"],
                    "values": {
                        "type": "object",
                        "title": "Показания",
                        "additionalProperties": False,
                        "required": list(labels),
                        "properties": {
                            tariff: {**(_GIVEN_VALUE if tariff in labels else _NOT_GIVEN), "title": title}
                            for tariff, title in zip(ALL_TARIFFS, ("Т1", "Т2", "Т3"), strict=True)
                        },
                    },
                },
            }
        )
    description = schema.get("description", "")
    schema.clear()
    schema.update(
        {
            "title": "ReadingEntry",
            "description": description,
            "oneOf": shapes,
            "discriminator": {"propertyName": "meter_type"},
        }
    )


class ReadingEntry(BaseModel):
    """A reading the consumer types in: meter type, meter number, one value per tariff of the type."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_shape_per_meter_type)

    meter_type: MeterTypeField = Field(title="Тип прибора учёта")
    meter_number: MeterNumber = Field(title="Номер прибора учёта")
    values: TariffValues = Field(
        title="Показания",
        description="Показания по тарифам типа прибора: t1 — однотарифный; t1 (день), t2 (ночь) — "
        "двухтарифный; t1 (пик), t2 (ночь), t3 (полупик) — трёхтарифный",
    )
    taken_on: date | None = Field(
        default=None,
        title="Дата снятия показаний",
        description="Когда показания сняты с прибора (по Москве); по умолчанию сегодня. Не позже "
        "сегодняшнего дня и не раньше дня предыдущего показания этого прибора",
    )
    meter_digits: int | None = Field(
        default=None,
        ge=4,
        le=9,
        title="Разрядность прибора учёта",
        description="Сколько цифр до запятой на счётном механизме прибора (например, 5 для 99999): по ней "
        "считается расход при переходе через ноль; запоминается для прибора",
    )
    rollover_confirmed: bool = Field(
        default=False,
        title="Показания перешли через ноль",
        description="Подтверждение: показание меньше предыдущего, потому что счётный механизм перешёл "
        "через ноль (99999 → 00012); расход считается через ноль по разрядности прибора",
    )
    jump_confirmed: bool = Field(
        default=False,
        title="Подтверждаю показание с большим расходом",
        description="Подтверждение: расход больше обычного месячного в 10 раз и более, и показание верно",
    )

    @field_validator("values", mode="wrap")
    @classmethod
    def _tariffs_of_the_type(
        cls, raw: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> TariffValues:
        """Each tariff of the type is given and no other; named together with bad values.

        Raised as one ValidationError so that each message names its own field (values.t2).
        """
        found: list[InitErrorDetails] = []
        values: TariffValues | None = None
        try:
            values = handler(raw)
        except ValidationError as error:
            if not isinstance(raw, dict):
                raise
            found = [_again(e) for e in error.errors()]
        meter_type = info.data.get("meter_type")
        if meter_type is not None:  # else the type itself is refused: its tariffs cannot be judged
            judged = {e["loc"][0] for e in found if e["loc"]}
            given: set[str] = set(values.present()) if values is not None else _given(raw)
            found += [e for e in _tariff_errors(meter_type, given) if e["loc"][0] not in judged]
        if found or values is None:
            raise ValidationError.from_exception_data("ReadingEntry", found)
        return values


class ReadingFix(BaseModel):
    """The consumer's correction of their latest reading of a meter: its values as they should be."""

    model_config = ConfigDict(extra="forbid")

    values: TariffValues = Field(
        title="Показания",
        description="Верные показания по тарифам типа прибора (те же тарифы, что у исправляемого показания)",
    )


LABELS = field_labels(
    ReadingEntry, ReadingFix, also={"cursor": "Продолжение списка", "months": "Число месяцев"}
)

# ---------------------------------------------------------------- answers


class ReadingCorrection(BaseModel):
    """One correction of a reading, kept with it: who, when, the values before and after."""

    corrected_at: datetime = Field(description="Когда исправлено")
    by: Literal["consumer"] = Field(description="Кто исправил: consumer — сам потребитель")
    old_values: dict[Tariff, Amount] = Field(description="Показания до исправления, кВт·ч")
    new_values: dict[Tariff, Amount] = Field(description="Показания после исправления, кВт·ч")


class ReadingOutput(BaseModel):
    """A stored reading with the consumption since the previous reading of the same meter."""

    id: str
    meter_number: str
    meter_type: MeterType
    values: dict[Tariff, Amount] = Field(description="Показания по тарифам, кВт·ч")
    consumption: dict[Tariff, Amount] | None = Field(
        description="Расход по тарифам с предыдущего показания этого прибора, кВт·ч; null у первого"
    )
    previous_taken_at: datetime | None = Field(description="Когда снято предыдущее показание прибора")
    rollover: bool = Field(
        default=False, description="Расход посчитан через переход счётного механизма через ноль"
    )
    source: Source = Field(description="manual — введено вручную, askue — получено из АСКУЭ")
    taken_at: datetime
    day_only: bool = Field(
        default=False,
        description="true — потребитель указал только день снятия показаний (раньше сегодняшнего): "
        "время в taken_at условное (полдень по Москве, для порядка в истории), показывайте только дату",
    )
    billing_period: str = Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="Расчётный период (ГГГГ-ММ), в котором учитывается показание: месяц передачи, "
        "если показание передано не позднее последнего дня окна приёма показаний, иначе следующий",
    )
    corrections: list[ReadingCorrection] = Field(
        default_factory=list, description="Исправления показания потребителем, старые сначала"
    )
    withdrawn_at: datetime | None = Field(
        default=None,
        description="Когда потребитель удалил показание: оно не учитывается (ни в расходе, ни в "
        "выгрузке) и остаётся в истории отмеченным; null — действует",
    )


class ReadingPage(BaseModel):
    items: list[ReadingOutput]
    next_cursor: str | None = Field(description="Передайте в ?cursor=, чтобы получить следующую страницу")


class MeterOutput(BaseModel):
    """A meter the consumer has submitted readings for, with its last reading."""

    meter_number: str
    meter_type: MeterType
    last_values: dict[Tariff, Amount]
    last_taken_at: datetime
    last_source: Source
    digits: int | None = Field(default=None, description="Разрядность счётного механизма, если указана")


class BillingNow(BaseModel):
    """Which billing period a reading sent now counts in, and why (the manual entry page says it)."""

    billing_period: str = Field(description="Расчётный период (ГГГГ-ММ) показания, переданного сейчас")
    window_first_day: int = Field(description="Первый день окна приёма показаний за месяц")
    window_last_day: int = Field(description="Последний день окна: переданные позже — в следующем периоде")
    explanation: str = Field(description="Что сказать потребителю до отправки показаний")


class MeterList(BaseModel):
    items: list[MeterOutput]
    billing: BillingNow


MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class MonthConsumption(BaseModel):
    """A meter's consumption in one month (Moscow time), from the readings taken in that month."""

    month: str = Field(
        pattern=MONTH_PATTERN, description="Месяц по московскому времени, ГГГГ-ММ", examples=["2026-11"]
    )
    consumption: dict[Tariff, Amount] = Field(
        description="Расход по тарифам, кВт·ч: сумма расхода показаний, снятых в этом месяце (каждое — с "
        "предыдущего показания того же прибора)"
    )
    readings: int = Field(ge=1, description="Сколько показаний прибора снято в этом месяце")


class MeterMonths(BaseModel):
    meter_number: str
    meter_type: MeterType
    months: list[MonthConsumption] = Field(description="Месяцы, в которых есть показания, от старых к новым")


class MonthlyConsumption(BaseModel):
    months: list[Annotated[str, Field(pattern=MONTH_PATTERN)]] = Field(
        description="Все месяцы периода, от старых к новым; последний — текущий"
    )
    meters: list[MeterMonths] = Field(description="Приборы учёта с показаниями за период, по номеру")


def amounts(raw: dict[str, Any] | None) -> dict[Tariff, Decimal] | None:
    """Per-tariff amounts read back from storage, with two places again (three for an ASKUE value
    that has a third)."""
    if raw is None:
        return None
    return {t: _stored(Decimal(raw[t])) for t in ALL_TARIFFS if t in raw}


def _stored(value: Decimal) -> Decimal:
    cents = value.quantize(CENT)
    return cents if cents == value else value.quantize(MILLI)
