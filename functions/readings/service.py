"""Meter readings: manual entry with its rules, history, export, the meter list (ASKUE readings:
functions/readings/askue_readings.py).

The rules (docs/architecture.md §7, Readings): all tariffs of the type and no others (models.py); a
meter keeps the type it was registered with; no value lower than the previous reading of the same
meter and tariff (equal is allowed) unless the consumer confirms the counter rolled over (99999 →
00012: the consumption is then counted across zero from the counter's digit count); the reading's
date is today by default, never in the future nor before the previous reading's day; a consumption
over 10 times the meter's usual monthly one is a warning the consumer confirms, not a refusal. The
rules about the previous reading are checked against the meter's stored state, and the reading is
stored only if that state is unchanged (store.ReadingStore.append); when a concurrent reading got
there first, the meter is read again and the reading judged anew, so a lower value can never be
stored after a higher one without its confirmation.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from aws_lambda_powertools import Logger
from pydantic import TypeAdapter, ValidationError

from functions.common import events, russian
from functions.common.backoff import Backoff
from functions.common.clock import MOSCOW, moscow_date, now
from functions.common.cursor import decode_cursor, encode_cursor
from functions.common.dynamo import Unwritten
from functions.common.errors import (
    CHECK_INPUT,
    Conflict,
    FieldError,
    InvalidInput,
    NeedsConfirmation,
    ServiceUnavailable,
    invalid_field,
)
from functions.common.fields import METER_NUMBER_RULE, MeterNumber, MeterType
from functions.common.metrics import BusinessMetric, count
from functions.common.outbox import OutboxEntry, outbox_put
from functions.readings.billing import billing_period, explanation, reading_window
from functions.readings.export import readings_csv
from functions.readings.models import (
    METER_TYPE_ADJECTIVES,
    TARIFF_LABELS,
    BillingNow,
    MeterList,
    MeterMonths,
    MeterOutput,
    MonthConsumption,
    MonthlyConsumption,
    ReadingEntry,
    ReadingOutput,
    ReadingPage,
    Source,
    Tariff,
)
from functions.readings.store import (
    Meter,
    Readers,
    ReadingStore,
    StaleMeter,
    Submission,
    Unreadable,
    cursor_belongs,
)

logger = Logger()

PAGE_SIZE = 20
EXPORT_MAX_ROWS = 20_000  # far more than a consumer types in; keeps the file within Lambda's 6 MB
MAX_ATTEMPTS = 5  # to store a reading when concurrent readings of the same meter keep winning
# The waits between those attempts (common/backoff.py): full jitter from 25 ms, at most 0.5 s each,
# all within 3 s (well inside the API functions' 15 s Timeout).
_RETRY_FIRST_S, _RETRY_CAP_S, _RETRY_BUDGET_S = 0.025, 0.5, 3.0
# An implausible jump: a consumption over JUMP_FACTOR times the meter's usual monthly one (its
# consumption since its first reading, per day, times 30), once that history spans BASELINE_DAYS;
# a usual month under BASELINE_FLOOR_KWH counts as that floor, so a meter that has barely run
# does not question every ordinary reading.
JUMP_FACTOR = 10
BASELINE_DAYS = 28
BASELINE_FLOOR_KWH = Decimal(30)
MONTH_DAYS = 30
# One source per meter: a meter the consumer's ASKUE listed within this many days is read by ASKUE
# (two billing periods: a link synced hourly refreshes it many times over; a meter ASKUE stopped
# listing takes manual readings again after it).
ASKUE_READS_DAYS = 62
ASKUE_PAGE = "#/readings/askue"

METER_NUMBER = TypeAdapter(MeterNumber)
_BAD_CURSOR = "Ссылка на продолжение списка повреждена или устарела: откройте список показаний заново."


def _meter_filter(raw: str | None) -> str | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        return METER_NUMBER.validate_python(raw)
    except ValidationError:
        raise invalid_field("meter_number", METER_NUMBER_RULE) from None


def retries() -> Backoff:
    return Backoff(first=_RETRY_FIRST_S, cap=_RETRY_CAP_S, budget=_RETRY_BUDGET_S)


def again(waits: Backoff, attempt: int) -> bool:
    """After a lost race: whether to read the meter again and retry, after a short random wait that
    spreads the concurrent writers out (none after the last attempt, or past the deadline)."""
    return attempt + 1 < MAX_ATTEMPTS and waits.wait()


def _after(meter: Meter | None, at: datetime) -> datetime:
    """`at`, but later than the meter's last reading, so its history keeps the order of entry."""
    if meter is not None and at <= meter.last_taken_at:
        return meter.last_taken_at + timedelta(microseconds=1)
    return at


def next_reading(
    meter_number: str,
    meter_type: MeterType,
    values: dict[Tariff, Decimal],
    source: Source,
    taken_at: datetime,
    meter: Meter | None,
    received_at: datetime,
) -> ReadingOutput:
    """The reading to store; it counts in the billing period of `received_at`, the moment it reached
    the portal (functions/readings/billing.py)."""
    return ReadingOutput(
        id=uuid.uuid4().hex,
        meter_number=meter_number,
        meter_type=meter_type,
        values=values,
        consumption={t: v - meter.last_values[t] for t, v in values.items()} if meter else None,
        previous_taken_at=meter.last_taken_at if meter else None,
        source=source,
        taken_at=taken_at,
        billing_period=billing_period(received_at),
    )


# ---------------------------------------------------------------- manual entry


@dataclass(frozen=True)
class Judged:
    """An entry that may follow the meter's last reading: its consumption per tariff (across zero
    where the counter rolled over) and whether it rolled over."""

    consumption: dict[Tariff, Decimal] | None
    rollover: bool


def _taken_at(entry: ReadingEntry, meter: Meter | None, current: datetime) -> datetime:
    """When the reading was taken: `current` (now), or midday (Moscow) of an earlier day the
    consumer gives; never before the meter's last reading, so its history keeps the order of entry."""
    today = moscow_date(current)
    day = entry.taken_on or today
    if day > today:
        raise invalid_field(
            "taken_on", f"Дата снятия показаний не может быть позже сегодняшней ({russian.date(today)})."
        )
    # Only a day the consumer gives is judged against the previous reading: "now" always follows it
    # (an ASKUE reading stamped a little ahead by its clock must not refuse one typed now).
    if meter is not None and entry.taken_on is not None and day < moscow_date(meter.last_taken_at):
        raise invalid_field(
            "taken_on",
            f"Дата снятия показаний раньше предыдущего показания этого прибора учёта "
            f"({russian.date(meter.last_taken_at)}): укажите дату не раньше.",
        )
    at = current if day == today else datetime.combine(day, time(12), MOSCOW)
    return _after(meter, at)


def _judge(entry: ReadingEntry, meter: Meter | None) -> Judged:
    """The consumption the entry makes, or the refusal (InvalidInput) or question
    (NeedsConfirmation) of the rules that follow from the meter's last reading."""
    if meter is None:
        return Judged(consumption=None, rollover=False)
    refusal = _refusal(entry, meter)
    if refusal is not None:
        raise refusal
    values = entry.values.present()
    lower = [tariff for tariff, value in values.items() if value < meter.last_values[tariff]]
    if lower and not entry.rollover_confirmed:
        raise _lower_question(meter, lower)
    modulus = _rollover_modulus(entry, meter) if lower else Decimal(0)
    consumption: dict[Tariff, Decimal] = {
        tariff: value - meter.last_values[tariff] + (modulus if tariff in lower else 0)
        for tariff, value in values.items()
    }
    if not entry.jump_confirmed:
        _question_jump(meter, sum(consumption.values(), Decimal(0)))
    return Judged(consumption=consumption, rollover=bool(lower))


def _lower_question(meter: Meter, lower: list[Tariff]) -> NeedsConfirmation:
    labels = TARIFF_LABELS[meter.meter_type]
    errors = [
        FieldError(
            field=f"values.{tariff}",
            message=f"Показание по тарифу {labels[tariff]} меньше предыдущего: "
            f"{russian.amount(meter.last_values[tariff])} от {russian.date(meter.last_taken_at)}. "
            f"Если счётный механизм прибора учёта перешёл через ноль (например, после 99999 — 00012), "
            f"отметьте «Показания перешли через ноль»; иначе проверьте показание.",
        )
        for tariff in lower
    ]
    detail = (
        errors[0].message
        if len(errors) == 1
        else "Показания меньше предыдущих: если счётный механизм прибора учёта перешёл через ноль, "
        "отметьте «Показания перешли через ноль»; иначе проверьте отмеченные поля."
    )
    return NeedsConfirmation(CHECK_INPUT, detail, errors, confirm="rollover_confirmed")


def _rollover_modulus(entry: ReadingEntry, meter: Meter) -> Decimal:
    """10^digits of the counter, from the entry or as remembered for the meter."""
    digits = entry.meter_digits or meter.digits
    if digits is None:
        raise invalid_field(
            "meter_digits",
            "Укажите разрядность прибора учёта — сколько цифр до запятой на его счётном механизме "
            "(например, 5 для 99999): по ней считается расход при переходе через ноль.",
        )
    modulus = Decimal(10) ** digits
    highest = max(meter.last_values.values())
    if highest >= modulus:
        raise invalid_field(
            "meter_digits",
            f"Предыдущее показание {russian.amount(highest)} не помещается в {digits} цифр до запятой: "
            f"проверьте разрядность прибора учёта.",
        )
    return modulus


def _question_jump(meter: Meter, consumption: Decimal) -> None:
    """Asks the consumer to confirm a consumption over JUMP_FACTOR times the meter's usual month."""
    since = meter.first_taken_at or meter.last_taken_at
    days = Decimal((meter.last_taken_at - since) / timedelta(days=1))
    if days < BASELINE_DAYS:
        return  # too short a history to know what is usual
    usual = max(meter.total_consumption / days * MONTH_DAYS, BASELINE_FLOOR_KWH).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    if consumption <= usual * JUMP_FACTOR:
        return
    message = (
        f"Расход {russian.amount(consumption)} кВт·ч больше обычного месячного расхода этого прибора "
        f"учёта (около {russian.amount(usual)} кВт·ч) более чем в {JUMP_FACTOR} раз. Проверьте показание; "
        f"если оно верно, отметьте «Подтверждаю показание с большим расходом» и отправьте снова."
    )
    raise NeedsConfirmation(
        CHECK_INPUT, message, [FieldError(field="jump_confirmed", message=message)], confirm="jump_confirmed"
    )


def _refusal(entry: ReadingEntry, meter: Meter | None) -> InvalidInput | None:
    """Why the entry cannot follow the meter's last reading, or None when it can."""
    if meter is None:
        return None
    if meter.meter_type != entry.meter_type:
        return invalid_field(
            "meter_type",
            f"Прибор учёта № {meter.meter_number} зарегистрирован как "
            f"{METER_TYPE_ADJECTIVES[meter.meter_type]}: выберите этот тип. Если прибор заменён, "
            f"введите номер нового прибора.",
        )
    return None


def _refuse_a_second_source(meter_number: str, readers: Readers) -> None:
    """A meter read automatically takes no manual reading: two sources of one meter's readings are a
    billing dispute. Read automatically: the consumer's ASKUE listed it within ASKUE_READS_DAYS, or
    the company marks it as read by its intelligent metering system (ИСУ, which Федеральный закон от
    27.12.2018 № 522-ФЗ made the grid companies' and suppliers' duty). Refusing is the company's
    rule, as real cabinets refuse («прибор учёта подключён к автоматизированной системе»), not a
    regulation's wording."""
    seen = readers.askue_seen_at
    by_askue = seen is not None and seen > now() - timedelta(days=ASKUE_READS_DAYS)
    if not by_askue and readers.isu_marked_at is None:
        return
    system = (
        "автоматизированной системе учёта (АСКУЭ)"
        if by_askue
        else "интеллектуальной системе учёта сетевой компании (АСКУЭ)"
    )
    raise invalid_field(
        "meter_number",
        f"Прибор учёта № {meter_number} подключён к {system}: его показания передаются автоматически, "
        f"поэтому ручной ввод для него не принимается — два источника показаний одного прибора учёта "
        f"приводят к спорам при расчёте. Данные этого прибора — на странице «Показания» → «АСКУЭ» "
        f"({ASKUE_PAGE}).",
    )


def mark_read_by_askue(user_id: str, meter_numbers: list[str]) -> None:
    """The consumer's ASKUE listed these meters now (a fetch or the sync): they take no manual
    readings for ASKUE_READS_DAYS. Numbers that are not meter numbers are skipped."""
    mark_many_read_by_askue({user_id: meter_numbers})


def mark_many_read_by_askue(meters_by_user: Mapping[str, list[str]]) -> None:
    """`mark_read_by_askue` for several consumers at once (the ASKUE sync's batch): one write."""
    marks: dict[str, list[str]] = {}
    for user_id, meter_numbers in meters_by_user.items():
        valid: list[str] = []
        for number in dict.fromkeys(meter_numbers):
            try:
                valid.append(METER_NUMBER.validate_python(number))
            except ValidationError:
                continue
        if valid:
            marks[user_id] = sorted(set(valid))
    if not marks:
        return
    try:
        ReadingStore().mark_read_by_askue(marks, now())
    except Unwritten:
        raise ServiceUnavailable from None


def mark_read_by_isu(user_id: str, read: list[str], not_read: list[str]) -> None:
    """The company marks the consumer's meters as read (or no longer read) by its ИСУ."""
    try:
        ReadingStore().mark_read_by_isu(user_id, read, not_read, now())
    except Unwritten:
        raise ServiceUnavailable from None


def submitted_event(user_id: str, reading: ReadingOutput, sequence: int) -> events.ReadingSubmitted:
    """The event of a stored reading (typed in, or from ASKUE), numbered `sequence` among the
    consumer's: its values per tariff, source and billing period are what billing bills on."""
    return events.ReadingSubmitted(
        user_id=user_id,
        reading_id=reading.id,
        meter_number=reading.meter_number,
        taken_at=reading.taken_at,
        meter_type=str(
            reading.meter_type.value if hasattr(reading.meter_type, "value") else reading.meter_type
        ),
        source=reading.source,
        values={tariff: str(amount) for tariff, amount in reading.values.items()},
        billing_period=reading.billing_period,
        sequence=sequence,
    )


def _submitted(user_id: str, reading: ReadingOutput, sequence: int) -> Submission:
    """What storing a reading typed in owes: its event for integrators, numbered `sequence` among the
    consumer's, written with the reading through the outbox (functions/common/outbox.py) — put on
    the bus by the relay whatever EventBridge does at the moment of the change."""
    event = submitted_event(user_id, reading, sequence)
    return Submission(sequence=sequence, owed=outbox_put(OutboxEntry.owing(events=[event])))


def submit_reading(user_id: str, entry: ReadingEntry) -> ReadingOutput:
    """Stores a reading typed in by the consumer, with the event that tells of it (one transaction);
    refuses it (InvalidInput) when it breaks a rule, and (Conflict) when concurrent readings of the
    meter, or of the consumer, kept winning."""
    store = ReadingStore()
    waits = retries()
    for attempt in range(MAX_ATTEMPTS):
        try:
            meter, submitted, readers = store.meter_and_submitted(user_id, entry.meter_number)
        except Unreadable:
            raise ServiceUnavailable from None
        _refuse_a_second_source(entry.meter_number, readers)
        received_at = now()
        taken_at = _taken_at(entry, meter, received_at)
        judged = _judge(entry, meter)
        reading = next_reading(
            entry.meter_number,
            entry.meter_type,
            entry.values.present(),
            Source.MANUAL,
            taken_at,
            meter,
            received_at,
        ).model_copy(
            update={
                "consumption": judged.consumption,
                "rollover": judged.rollover,
                # A day the consumer gave, not today: its midday is for the history's order, not a time.
                "day_only": moscow_date(taken_at) != moscow_date(received_at),
            }
        )
        try:
            store.append(
                user_id,
                reading,
                meter,
                digits=entry.meter_digits,
                submission=_submitted(user_id, reading, submitted + 1),
            )
        except StaleMeter:
            logger.info("meter changed concurrently, judging the reading again", extra={"attempt": attempt})
            if again(waits, attempt):
                continue
            break
        logger.info("reading stored", extra={"user_id": user_id, "reading_id": reading.id})
        count(BusinessMetric.READINGS_SUBMITTED)
        return reading
    raise Conflict(
        "Показания не сохранены",
        "Показания этого прибора учёта сейчас передаются с другого устройства. Повторите ввод.",
    )


# ---------------------------------------------------------------- reading back


def history(user_id: str, meter_number: str | None, cursor: str | None) -> ReadingPage:
    """A page of the consumer's readings (of one meter, if given), newest first: one Query."""
    meter = _meter_filter(meter_number)
    after = decode_cursor(cursor, cursor_belongs(user_id, meter), _BAD_CURSOR) if cursor else None
    readings, next_key = ReadingStore().page(user_id, meter, after, PAGE_SIZE)
    return ReadingPage(items=readings, next_cursor=encode_cursor(next_key))


def export_csv(user_id: str, meter_number: str | None) -> str:
    """The consumer's readings (of one meter, if given), newest first, as CSV for Excel."""
    meter = _meter_filter(meter_number)
    found = ReadingStore().readings(user_id, meter, EXPORT_MAX_ROWS)
    return readings_csv(reading for reading in found if reading.withdrawn_at is None)


def meters(user_id: str) -> MeterList:
    """The meters the consumer has readings for, to offer their numbers again."""
    return MeterList(
        items=[
            MeterOutput(
                meter_number=m.meter_number,
                meter_type=m.meter_type,
                last_values=m.last_values,
                last_taken_at=m.last_taken_at,
                last_source=m.last_source,
                digits=m.digits,
            )
            for m in ReadingStore().meters(user_id)
        ],
        billing=billing_now(),
    )


def billing_now() -> BillingNow:
    """The billing period of a reading sent now, with the rule, for the manual entry page."""
    at, window = now(), reading_window()
    return BillingNow(
        billing_period=billing_period(at, window),
        window_first_day=window.readings_window_first_day,
        window_last_day=window.readings_window_last_day,
        explanation=explanation(at, window),
    )


def _months_back(count: int) -> list[tuple[int, int]]:
    """The last `count` months in Moscow time, oldest first, the current one last."""
    today = moscow_date(now())
    index = today.year * 12 + today.month - 1
    return [divmod(i, 12) for i in range(index - count + 1, index + 1)]


def monthly(user_id: str, months: int) -> MonthlyConsumption:
    """Each meter's consumption per month of the last `months` (Moscow time), per tariff.

    A reading's consumption (since the meter's previous reading) counts in the month it was taken:
    monthly readings give each month's consumption; a reading that spans two months counts whole in
    the later one. One Query (store.ReadingStore.taken_since).
    """
    period = [(year, month + 1) for year, month in _months_back(months)]
    since = datetime(*period[0], 1, tzinfo=MOSCOW)
    totals: dict[str, dict[str, dict[Tariff, Decimal]]] = {}
    counts: dict[tuple[str, str], int] = {}
    types: dict[str, MeterType] = {}
    for reading in ReadingStore().taken_since(user_id, since):
        month = reading.taken_at.astimezone(MOSCOW).strftime("%Y-%m")
        types[reading.meter_number] = reading.meter_type
        month_totals = totals.setdefault(reading.meter_number, {}).setdefault(month, {})
        for tariff, amount in (reading.consumption or {}).items():
            month_totals[tariff] = month_totals.get(tariff, Decimal(0)) + amount
        counts[reading.meter_number, month] = counts.get((reading.meter_number, month), 0) + 1
    return MonthlyConsumption(
        months=[f"{year}-{month:02d}" for year, month in period],
        meters=[
            MeterMonths(
                meter_number=number,
                meter_type=types[number],
                months=[
                    MonthConsumption(month=month, consumption=used, readings=counts[number, month])
                    for month, used in sorted(totals[number].items())
                ],
            )
            for number in sorted(totals)
        ],
    )
