"""How long each kind of record is kept, and why: one table that the policy's text
(functions/auth/policy.py, «Сроки хранения») and the code that expires records read.

152-ФЗ ст. 5 ч. 7: personal data is kept in a form that identifies the subject no longer than the
purposes of the processing require, unless a federal law or a contract sets the period (checked with
the search tool against a lawyer's commentary citing ч. 7 ст. 5, not against the law's own text).
402-ФЗ ст. 29 ч. 1 (primary accounting documents at least five years after the reporting year) and
ГК РФ ст. 196 п. 1 (the general limitation period, three years) were checked against stored copies
of their text. Where a law sets a minimum, the basis names it; where the period is the
operator's choice, the basis says so. The operator's choices are template.yaml parameters
(`RetentionContractYears`, `RetentionNoContractMonths`, `RetentionReadingsYears`,
`RetentionMailLedgerDays`), set on every function by Globals; the defaults below are the common
values, used when a variable is not set (tests, tools).
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.common.settings import load_settings

Unit = Literal["years", "months", "days"]

_WORDS: dict[Unit, tuple[str, str, str]] = {
    "years": ("год", "года", "лет"),
    "months": ("месяц", "месяца", "месяцев"),
    "days": ("день", "дня", "дней"),
}


def _plural(count: int, forms: tuple[str, str, str]) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return forms[0]
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return forms[1]
    return forms[2]


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def after(self, start: datetime) -> datetime:
        """The moment the period ends, counted by the calendar (31 January + 1 month = 28/29 February)."""
        if self.unit == "days":
            return start + timedelta(days=self.amount)
        months = self.amount * 12 if self.unit == "years" else self.amount
        index = start.month - 1 + months
        year, month = start.year + index // 12, index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return start.replace(year=year, month=month, day=day)

    def russian(self) -> str:
        return f"{self.amount} {_plural(self.amount, _WORDS[self.unit])}"


class RetentionKind(StrEnum):
    ACCOUNT = "account"
    CONNECTION_WITH_CONTRACT = "connection_with_contract"
    CONNECTION_WITHOUT_CONTRACT = "connection_without_contract"
    OTHER_REQUESTS = "other_requests"
    READINGS = "readings"
    ASKUE_COPIES = "askue_copies"
    MAIL_LEDGER = "mail_ledger"


@dataclass(frozen=True)
class Retention:
    kind: RetentionKind
    what: str  # what is kept, as the policy names it
    period: Period | None  # None: while the account exists (then the erasure's 30 days)
    counted_from: str  # from when the period runs, as the policy says it
    basis: str  # the law or the operator's choice behind the period
    # The period runs from the end of the year its start falls in (402-ФЗ ст. 29: «после отчётного года»).
    from_year_end: bool = False

    def ends(self, start: datetime) -> datetime:
        """When a record of this kind whose period starts at `start` is due to go."""
        if self.period is None:
            raise ValueError(f"{self.kind} is kept while the account exists: no period to count")
        if self.from_year_end:
            start = start.replace(
                year=start.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0
            )
        return self.period.after(start)

    def expires_at(self, start: datetime) -> int:
        """`ends(start)` as DynamoDB's TTL reads it: whole seconds since the epoch."""
        return int(self.ends(start).timestamp())


class RetentionSettings(BaseModel):
    """template.yaml's Retention* parameters (Globals: every function reads the same)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    retention_contract_years: int = Field(default=5, ge=5)  # 402-ФЗ ст. 29 ч. 1: not less than 5
    retention_no_contract_months: int = Field(default=6, ge=1)
    retention_requests_years: int = Field(default=3, ge=1)
    retention_readings_years: int = Field(default=3, ge=3)  # ГК РФ ст. 196 п. 1: 3 years
    retention_askue_days: int = Field(default=400, ge=1)
    # A finished mail job is remembered longer than its message can live (functions/mail/store.py):
    # 1 day on the queue, 14 in the dead-letter queue.
    retention_mail_ledger_days: int = Field(default=30, ge=15)


@cache
def retention_table() -> tuple[Retention, ...]:
    """The table, with the operator's periods (read once per cold start)."""
    settings = load_settings(RetentionSettings)
    return (
        Retention(
            RetentionKind.ACCOUNT,
            "Данные учётной записи (ФИО или название организации, email, телефон), подключение АСКУЭ",
            None,
            "пока действует учётная запись; после её удаления (отзыва согласия) — не более 30 дней",
            "часть 5 статьи 21 Федерального закона № 152-ФЗ: после отзыва согласия данные уничтожаются "
            "в срок, не превышающий 30 дней",
        ),
        Retention(
            RetentionKind.CONNECTION_WITH_CONTRACT,
            "Заявки на технологическое присоединение, по которым заключён договор, их документы и история",
            Period(settings.retention_contract_years, "years"),
            "после окончания года, в котором прекратился договор (присоединение выполнено или заявка "
            "закрыта иначе)",
            "статья 29 Федерального закона от 06.12.2011 № 402-ФЗ «О бухгалтерском учёте»: первичные "
            "учётные документы хранятся не менее пяти лет после отчётного года",
            from_year_end=True,
        ),
        Retention(
            RetentionKind.CONNECTION_WITHOUT_CONTRACT,
            "Заявки, рассмотрение которых закончилось без договора (отказ, отзыв, аннулирование), и их "
            "документы",
            Period(settings.retention_no_contract_months, "months"),
            "после завершения рассмотрения заявки",
            "срок выбран сетевой компанией (часть 7 статьи 5 Федерального закона № 152-ФЗ: не дольше, чем "
            "требуют цели обработки) — время на повторное обращение и ответ на претензию",
        ),
        Retention(
            RetentionKind.OTHER_REQUESTS,
            "Прочие заявки (снятие показаний, допуск и установка прибора учёта, сообщения о безучётном "
            "потреблении, хищении, отсутствии электроэнергии), их документы и переписка",
            Period(settings.retention_requests_years, "years"),
            "после завершения заявки",
            "статья 196 Гражданского кодекса РФ: общий срок исковой давности — три года (споры об "
            "оказанной услуге); срок выбран сетевой компанией",
        ),
        Retention(
            RetentionKind.READINGS,
            "Показания приборов учёта, переданные вручную или полученные из АСКУЭ",
            Period(settings.retention_readings_years, "years"),
            "после даты показания",
            "статья 196 Гражданского кодекса РФ: общий срок исковой давности — три года (споры о расчётах "
            "за электроэнергию)",
        ),
        Retention(
            RetentionKind.ASKUE_COPIES,
            "Копии данных АСКУЭ, полученные для показа в кабинете (показания, профиль мощности)",
            Period(settings.retention_askue_days, "days"),
            "после получения",
            "срок выбран сетевой компанией: данные хранятся в самой АСКУЭ, копия нужна для сравнения "
            "с тем же месяцем прошлого года (часть 7 статьи 5 Федерального закона № 152-ФЗ)",
        ),
        Retention(
            RetentionKind.MAIL_LEDGER,
            "Журнал писем: сколько писем о регистрации и сбросе пароля получил адрес за час (адрес — "
            "только в "
            "виде хеша) и какие задания отправки выполнены",
            Period(settings.retention_mail_ledger_days, "days"),
            "после отправки письма",
            "срок выбран сетевой компанией (часть 7 статьи 5 Федерального закона № 152-ФЗ) — для защиты "
            "от повторной отправки и ограничения числа писем на адрес",
        ),
    )


def retention_of(kind: RetentionKind) -> Retention:
    return next(entry for entry in retention_table() if entry.kind == kind)
