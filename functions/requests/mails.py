"""The texts of the mails about a consumer's service requests (Russian, plain), and their jobs: a mail
is owed with the change it tells of, in the change's outbox entry (functions/common/outbox.py), and
queued by the outbox's relay."""

from datetime import date

from aws_lambda_powertools import Logger

from functions.common.mail import NoticeJob
from functions.common.settings import portal_settings
from functions.requests.vocabulary import STATUS_TITLES, RequestStatus

_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def russian_date(day: date) -> str:
    """18 декабря 2026 г."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year} г."


def request_link(request_id: str) -> str:
    return f"{portal_settings().portal_url.rstrip('/')}/#/requests/{request_id}"


def registered(number: str, type_title: str, deadline: date, request_id: str) -> tuple[str, str]:
    return (
        f"Заявка № {number} зарегистрирована",
        f"""Здравствуйте!

Ваша заявка зарегистрирована в личном кабинете потребителя.

Номер заявки: {number}
Тип заявки: {type_title}
Ориентировочный срок рассмотрения: до {russian_date(deadline)}

Статус заявки и её историю можно посмотреть в разделе «Заявки»:
{request_link(request_id)}

При изменении статуса заявки мы сообщим вам письмом.""",
    )


# How to answer «Требуются уточнения» (the detail page's «Переписка по заявке»).
HOW_TO_ANSWER = """
Как ответить: откройте заявку по ссылке ниже, в разделе «Переписка по заявке» напишите ответ,
при необходимости приложите файлы кнопкой «Выберите файл» (PDF, JPEG, PNG или TIFF, до 10 МБ)
и нажмите «Ответить». После ответа заявка вернётся на рассмотрение.
"""


def status_changed(
    number: str, status: RequestStatus, comment: str | None, request_id: str
) -> tuple[str, str]:
    status_title = STATUS_TITLES[status]
    remark = f"\nКомментарий сетевой компании:\n{comment}\n" if comment else ""
    if status is RequestStatus.NEEDS_INFO:
        remark += HOW_TO_ANSWER
    return (
        f"Заявка № {number}: {status_title.lower()}",
        f"""Здравствуйте!

Статус вашей заявки № {number} изменён.

Новый статус: {status_title}
{remark}
Подробности и история заявки в разделе «Заявки»:
{request_link(request_id)}""",
    )


def stage_completed(
    number: str, done: str, on: date, next_step: str | None, message: str | None, request_id: str
) -> tuple[str, str]:
    """A connection's stage done: what it was, and what comes next and by when (`next_step`)."""
    remark = f"\nКомментарий сетевой компании:\n{message}\n" if message else ""
    coming = f"\nДальше: {next_step}\n" if next_step else "\nПрисоединение завершено.\n"
    return (
        f"Заявка № {number}: {done.lower()}",
        f"""Здравствуйте!

По вашей заявке № {number} на технологическое присоединение выполнен этап:
{done} — {russian_date(on)}.
{remark}{coming}
Все этапы и их сроки — на странице заявки:
{request_link(request_id)}""",
    )


def withdrawn(number: str, reason: str, request_id: str) -> tuple[str, str]:
    return (
        f"Заявка № {number} отозвана",
        f"""Здравствуйте!

Вы отозвали заявку № {number}. Сетевая компания больше не будет её рассматривать.

Причина отзыва:
{reason}

Заявка и её история остаются в разделе «Заявки»:
{request_link(request_id)}""",
    )


def company_message(number: str, kind_title: str | None, text: str, request_id: str) -> tuple[str, str]:
    what = f"документ «{kind_title}»" if kind_title else "сообщение"
    quoted = f"\nТекст сообщения:\n{text}\n" if text else ""
    return (
        f"Заявка № {number}: {'новый документ' if kind_title else 'новое сообщение'}",
        f"""Здравствуйте!

Сетевая компания отправила {what} по вашей заявке № {number}.
{quoted}
Прочитать сообщение, скачать файлы и ответить можно на странице заявки:
{request_link(request_id)}""",
    )


logger = Logger()


def to_consumer(to: str | None, subject: str, text: str) -> tuple[NoticeJob, ...]:
    """The mail job of a mail to the consumer, for the change's outbox entry. A request whose consumer
    deleted the account has no address (`None`, functions/auth/erasure.py): no mail is owed."""
    if to is None:
        logger.info("no mail: the consumer deleted the account", extra={"subject": subject})
        return ()
    return (NoticeJob(to=to, subject=subject, text=text),)
