"""The stages of a technological connection and their legal deadlines, from the request's record: its
fields (the procedure, connection_rules.py), its filing, the stages the company marked (`stages` of
the record) and the consumer's answer to a request for missing data.

The stages are those the applicant must see (ПП № 24 от 21.01.2004, п. 19 «л»: the application's
registration, the contract and the technical conditions sent, the contract concluded, the progress of
the technical conditions, the actual connection, the closing documents). Each due date follows its
rule, in working days of the production calendar (calendar.py) or months:

* missing data is asked within 3 working days of the filing, and the applicant has 20 working days
  to supply it, else the application is annulled (ПП № 861, п. 15; не сверено с текстом действующей
  редакции: the search tool found no text of п. 15);
* the contract terms, the invoice and the technical conditions are placed in the cabinet within the
  row's `offer_working_days` (10 for пп. 12(1), 13(2)–13(5), 14; 20 otherwise: п. 15, не сверено),
  counted from the filing, or from the day the missing data came;
* the contract is concluded the day the invoice is paid (п. 15, не сверено); no term is set here for
  the payment;
* the connection's measures, the actual connection and the closing document fall within the row's
  connection term from the contract's conclusion (п. 16 «б», не сверено; a temporary connection's
  shorter term is not modelled).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from functions.common import russian
from functions.common.clock import moscow_date
from functions.requests.calendar import add_working_days
from functions.requests.connection_rules import (
    closes_with_notice,
    connection_months,
    derive_procedure,
    distance_of,
    documents_for,
    facts_of,
)
from functions.requests.outputs import ConnectionProcedure, ProcedureStage
from functions.requests.records import StoredRequest, StoredStageMark
from functions.requests.vocabulary import RequestStatus, RequestType

CONNECTION = RequestType("connection")
MISSING_DATA_ASKED_WITHIN = 3  # working days from the filing (п. 15)
MISSING_DATA_SUPPLIED_WITHIN = 20  # working days from the request for it (п. 15)

StageCode = Literal[
    "registered",
    "missing_data_requested",
    "missing_data_supplied",
    "offer_placed",
    "invoice_paid",
    "grid_works_done",
    "applicant_works_done",
    "actual_connection",
    "closing_document",
]
Actor = Literal["portal", "company", "applicant"]


@dataclass(frozen=True)
class StageRule:
    """A stage: its title, who does it, and the status its mark moves the request to (if the
    statuses' rules allow that move from where the request is)."""

    code: StageCode
    title: str
    by: Actor
    moves_to: RequestStatus | None = None


STAGE_RULES: tuple[StageRule, ...] = (
    StageRule("registered", "Заявка зарегистрирована", "portal"),
    StageRule(
        "missing_data_requested", "Запрошены недостающие сведения", "company", RequestStatus.NEEDS_INFO
    ),
    StageRule(
        "missing_data_supplied", "Недостающие сведения представлены", "applicant", RequestStatus.IN_REVIEW
    ),
    StageRule(
        "offer_placed",
        "Условия договора, счёт и технические условия размещены в личном кабинете",
        "company",
        RequestStatus.IN_REVIEW,
    ),
    StageRule("invoice_paid", "Счёт оплачен — договор заключён", "applicant", RequestStatus.IN_PROGRESS),
    StageRule(
        "grid_works_done", "Мероприятия сетевой организации по техническим условиям выполнены", "company"
    ),
    StageRule("applicant_works_done", "Мероприятия заявителя по техническим условиям выполнены", "applicant"),
    StageRule("actual_connection", "Фактическое присоединение и подача напряжения", "company"),
    StageRule(
        "closing_document",
        "Документ о технологическом присоединении составлен",
        "company",
        RequestStatus.DONE,
    ),
)
STAGE_OF: Mapping[str, StageRule] = {rule.code: rule for rule in STAGE_RULES}
ACT_TITLE = "Акт об осуществлении технологического присоединения составлен"
NOTICE_TITLE = "Уведомление об обеспечении возможности присоединения направлено"
_OPTIONAL = frozenset({"missing_data_requested", "missing_data_supplied"})


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


@dataclass(frozen=True)
class Done:
    on: date
    at: datetime


def _done(request: StoredRequest) -> dict[str, Done]:
    """Every stage done: the filing, the company's marks, and the consumer's answer to a request for
    missing data (the first answer after it) when the company has not marked it supplied."""
    marks: dict[str, StoredStageMark] = {mark.code: mark for mark in request.stages}
    done = {code: Done(mark.on, mark.at) for code, mark in marks.items()}
    done["registered"] = Done(moscow_date(request.created_at), request.created_at)
    asked = marks.get("missing_data_requested")
    if asked is not None and "missing_data_supplied" not in done:
        answer = next(
            (e for e in request.history if e.consumer_action == "answered" and e.at >= asked.at),
            None,
        )
        if answer is not None:
            done["missing_data_supplied"] = Done(moscow_date(answer.at), answer.at)
    return done


def sequence(request: StoredRequest) -> list[StageRule]:
    """The stages this request goes through, in order: missing data only once it was asked."""
    asked = any(mark.code == "missing_data_requested" for mark in request.stages)
    return [rule for rule in STAGE_RULES if asked or rule.code not in _OPTIONAL]


def _due(request: StoredRequest, done: Mapping[str, Done]) -> dict[str, tuple[date | None, str]]:
    """Each stage's due date and the rule it comes from."""
    facts = facts_of(request.fields)
    row = derive_procedure(facts)
    filed = done["registered"].on
    asked, supplied, paid = (
        done.get(code) for code in ("missing_data_requested", "missing_data_supplied", "invoice_paid")
    )
    start = supplied.on if supplied else (None if asked else filed)
    months = connection_months(row, *distance_of(request.fields))
    term = add_months(paid.on, months) if paid else None
    term_rule = f"{months} мес. со дня заключения договора ({row.clause}; ПП № 861, п. 16 «б»)"
    return {
        "registered": (filed, "День подачи заявки"),
        "missing_data_requested": (
            add_working_days(filed, MISSING_DATA_ASKED_WITHIN),
            "3 рабочих дня со дня получения заявки (ПП № 861, п. 15)",
        ),
        "missing_data_supplied": (
            add_working_days(asked.on, MISSING_DATA_SUPPLIED_WITHIN) if asked else None,
            "20 рабочих дней со дня запроса, иначе заявка аннулируется (ПП № 861, п. 15)",
        ),
        "offer_placed": (
            add_working_days(start, row.offer_working_days) if start else None,
            f"{row.offer_working_days} рабочих дней со дня получения заявки или недостающих сведений "
            f"(ПП № 861, п. 15)",
        ),
        "invoice_paid": (None, "Договор заключён со дня оплаты счёта (ПП № 861, п. 15)"),
        **{
            code: (term, term_rule)
            for code in ("grid_works_done", "applicant_works_done", "actual_connection", "closing_document")
        },
    }


def offer_deadline(fields: Mapping[str, object], filed: date) -> date:
    """A connection's review deadline: the day its offer is due (п. 15: 10 or 20 working days by its
    procedure), not the registry's one term for every applicant."""
    return add_working_days(filed, derive_procedure(facts_of(fields)).offer_working_days)


def procedure_of(request: StoredRequest, today: date) -> ConnectionProcedure | None:
    """The request's procedure and its stages (None: not a connection)."""
    if request.type != CONNECTION:
        return None
    facts = facts_of(request.fields)
    row = derive_procedure(facts)
    done = _done(request)
    due = _due(request, done)
    closing = NOTICE_TITLE if closes_with_notice(row, facts) else ACT_TITLE
    stages = [
        ProcedureStage(
            code=rule.code,
            title=closing if rule.code == "closing_document" else rule.title,
            by="company" if rule.by == "portal" else rule.by,
            due_on=due[rule.code][0],
            rule=due[rule.code][1],
            completed_on=done[rule.code].on if rule.code in done else None,
            completed_at=done[rule.code].at if rule.code in done else None,
            overdue=rule.code not in done and (due[rule.code][0] or today) < today,
        )
        for rule in sequence(request)
    ]
    return ConnectionProcedure(
        code=row.code,
        clause=row.clause,
        title=row.title,
        why=row.why,
        documents=list(documents_for(row, facts)),
        stages=stages,
        next_stage=next((stage.code for stage in stages if stage.completed_on is None), None),
    )


def must_come_first(request: StoredRequest, code: str) -> str | None:
    """Why `code` cannot be marked now (the stage that must come first, or that it is marked
    already), or None when it can."""
    done = _done(request)
    title = STAGE_OF[code].title
    if code in done:
        return f"Этап «{title}» уже отмечен {russian.date(done[code].on)}."
    if code == "registered":
        return "Этап «Заявка зарегистрирована» отмечает портал при подаче заявки."
    if code == "missing_data_requested":
        if "offer_placed" in done:
            return "Недостающие сведения запрашивают до размещения условий договора (ПП № 861, п. 15)."
        return None
    order: list[str] = [rule.code for rule in sequence(request)]
    if code == "missing_data_supplied":
        order = ["registered", "missing_data_requested", "missing_data_supplied"]
    before = order[: order.index(code)] if code in order else []
    first = next((earlier for earlier in before if earlier not in done), None)
    if first is None:
        return None
    return f"Сначала должен быть выполнен этап «{STAGE_OF[first].title}»."


def next_step(request: StoredRequest, today: date) -> str | None:
    """What comes next and by when, for the mail of a stage: «<stage> — до <date>»."""
    procedure = procedure_of(request, today)
    if procedure is None or procedure.next_stage is None:
        return None
    stage = next(s for s in procedure.stages if s.code == procedure.next_stage)
    by = "сетевая организация" if stage.by == "company" else "вы (заявитель)"
    when = f" — до {russian.date(stage.due_on)}" if stage.due_on else ""
    return f"{stage.title} ({by}){when}."
