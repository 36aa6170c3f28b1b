"""What the requests API answers a consumer: types, upload forms, requests (summary and detail), the
conversation's messages."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from functions.requests.vocabulary import DocumentKind, MessageAuthor, RequestStatus, RequestType


class RequestTypeOutput(BaseModel):
    code: RequestType
    title: str
    description: str = Field(description="Для чего эта заявка")
    review_working_days: int = Field(description="Ориентировочный срок рассмотрения, рабочих дней")
    statutory_term: str | None = Field(
        default=None,
        description="Срок, установленный законом (тогда он и есть срок рассмотрения), например "
        "«не позднее 6 месяцев с даты заявки (522-ФЗ)»",
    )
    fields_schema: dict[str, Any] = Field(description="JSON Schema дополнительных полей типа")


class RequestTypesOutput(BaseModel):
    types: list[RequestTypeOutput]


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
    stage: str | None = Field(default=None, description="Код этапа присоединения, отмеченного этой записью")


class ProcedureStage(BaseModel):
    """A stage of a technological connection (ПП № 861; ПП № 24, п. 19 «л»)."""

    code: str
    title: str
    by: str = Field(description="Кто выполняет: company — сетевая организация, applicant — заявитель")
    due_on: date | None = Field(
        default=None, description="Крайний срок по Правилам; null — срок ещё не начал течь или не установлен"
    )
    rule: str = Field(description="Откуда срок, со ссылкой на пункт Правил")
    completed_on: date | None = None
    completed_at: datetime | None = None
    overdue: bool = Field(default=False, description="Срок прошёл, а этап не выполнен")


class ConnectionProcedure(BaseModel):
    """The procedure ПП № 861 gives this application, derived from the applicant's answers."""

    code: str
    clause: str
    title: str
    why: str = Field(description="Почему применяется этот порядок")
    documents: list[str] = Field(description="Что приложить к заявке (ПП № 861, п. 10)")
    stages: list[ProcedureStage]
    next_stage: str | None = Field(default=None, description="Код следующего этапа; null — всё выполнено")


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
    procedure: ConnectionProcedure | None = Field(
        default=None, description="Порядок и этапы технологического присоединения; только у такой заявки"
    )
    outage_id: str | None = Field(
        default=None,
        description="Отключение, с которым сетевая компания связала заявку (GET /api/outages/{id}: "
        "его время и ожидаемое восстановление)",
    )


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
