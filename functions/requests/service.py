"""Service requests: types, uploads, filing with a gap-free number and a review deadline, the
consumer's list and detail, and the company's status changes with their mails."""

import hashlib
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from aws_lambda_powertools import Logger
from pydantic import BaseModel, Field

from functions.common.api import Caller
from functions.common.clock import now
from functions.common.mail import queue_notice
from functions.common.problems import FieldError, Problem, field_problem, not_found
from functions.requests import mails
from functions.requests.calendar import add_working_days, moscow_date
from functions.requests.models import (
    FIELDS_OF,
    FILE_TYPES,
    FILE_TYPES_TEXT,
    MAX_FILE_BYTES,
    STATUS_TITLES,
    TYPE_TITLES,
    AnyNewRequest,
    Attachment,
    AttachmentLink,
    FieldRow,
    HistoryEntry,
    IntegrationHistoryEntry,
    IntegrationPage,
    IntegrationRequest,
    NewRequest,
    RequestCreated,
    RequestDetail,
    RequestPage,
    RequestStatus,
    RequestSummary,
    RequestType,
    RequestTypeOutput,
    RequestTypesOutput,
    StatusChange,
    UploadForm,
    UploadRequest,
)
from functions.requests.settings import request_settings
from functions.requests.store import (
    REQUEST_PREFIX,
    AlreadyFiled,
    InvalidCursor,
    Item,
    Key,
    RequestStore,
    StatusChanged,
    UploadStore,
    decode_cursor,
    encode_cursor,
    is_request_id,
    new_request_id,
    request_key,
    user_key,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()

UPLOAD_FORM_SECONDS = 600
DOWNLOAD_LINK_SECONDS = 300
IDEMPOTENCY_SECONDS = 24 * 3600
CONSUMER = "consumer"

# ---------------------------------------------------------------- the statuses' rules (DESIGN §5)

TRANSITIONS: Mapping[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.REGISTERED: (RequestStatus.IN_REVIEW, RequestStatus.NEEDS_INFO, RequestStatus.REJECTED),
    RequestStatus.IN_REVIEW: (RequestStatus.IN_PROGRESS, RequestStatus.NEEDS_INFO, RequestStatus.REJECTED),
    RequestStatus.NEEDS_INFO: (RequestStatus.IN_REVIEW, RequestStatus.REJECTED),
    RequestStatus.IN_PROGRESS: (RequestStatus.DONE, RequestStatus.NEEDS_INFO, RequestStatus.REJECTED),
    RequestStatus.DONE: (),
    RequestStatus.REJECTED: (),
}
# The consumer must learn why a request was refused and what to clarify.
COMMENT_REQUIRED = frozenset({RequestStatus.REJECTED, RequestStatus.NEEDS_INFO})


def _quoted(statuses: tuple[RequestStatus, ...]) -> str:
    return ", ".join(f"«{STATUS_TITLES[s]}»" for s in statuses)


def check_transition(current: RequestStatus, change: StatusChange) -> None:
    """Refuses a move the rules forbid (409, naming the allowed ones) or a missing reason (422)."""
    allowed = TRANSITIONS[current]
    if change.status not in allowed:
        if not allowed:
            detail = f"Заявка в статусе «{STATUS_TITLES[current]}» закрыта: её статус больше не меняется."
        else:
            detail = (
                f"Заявку в статусе «{STATUS_TITLES[current]}» нельзя перевести "
                f"в «{STATUS_TITLES[change.status]}». Допустимые статусы: {_quoted(allowed)}."
            )
        raise Problem(
            HTTPStatus.CONFLICT,
            "Переход статуса запрещён",
            detail,
            [FieldError(field="status", message=detail)],
        )
    if change.status in COMMENT_REQUIRED and not change.comment:
        raise field_problem(
            "comment", f"Для статуса «{STATUS_TITLES[change.status]}» напишите комментарий для потребителя."
        )


# ---------------------------------------------------------------- types


def _form_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with optional fields flattened to their own type (no `anyOf` null),
    so that a form can be rendered from each property directly."""
    schema = model.model_json_schema()
    properties: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        variants = [v for v in spec.get("anyOf", []) if v.get("type") != "null"]
        flat = {**variants[0], **{k: v for k, v in spec.items() if k != "anyOf"}} if variants else dict(spec)
        if flat.get("default", "") is None:
            del flat["default"]
        properties[name] = flat
    return {
        "type": "object",
        "title": schema.get("title", model.__name__),
        "properties": properties,
        "required": schema.get("required", []),
        "additionalProperties": False,
    }


@cache
def _schemas() -> dict[RequestType, dict[str, Any]]:
    return {code: _form_schema(model) for code, model in FIELDS_OF.items()}


def request_types() -> RequestTypesOutput:
    days = request_settings().request_review_days
    return RequestTypesOutput(
        types=[
            RequestTypeOutput(
                code=code,
                title=TYPE_TITLES[code],
                review_working_days=days[code],
                fields_schema=_schemas()[code],
            )
            for code in RequestType
        ]
    )


def review_deadline(kind: RequestType, created_at: datetime) -> date:
    return add_working_days(moscow_date(created_at), request_settings().request_review_days[kind])


# ---------------------------------------------------------------- uploads

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_UPLOAD_KEY = re.compile(r"^uploads/(?P<user>[^/]+)/[0-9a-f]{32}/[A-Za-z0-9._-]{1,120}$")
_MAGIC: Mapping[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}
FILE_NOT_FOUND = "Файл не найден: загрузите его ещё раз кнопкой «Выберите файл»."


def _safe_name(filename: str) -> str:
    """An ASCII name for the object key; the original name travels in the object's metadata."""
    stem, dot, ending = filename.rpartition(".")
    safe_stem = _UNSAFE.sub("_", stem if dot else filename).strip("._")[:80] or "file"
    return f"{safe_stem}.{ending.lower()}" if dot else safe_stem


def prepare_upload(caller: Caller, upload: UploadRequest) -> UploadForm:
    key = f"uploads/{caller.user_id}/{uuid.uuid4().hex}/{_safe_name(upload.filename)}"
    url, fields = UploadStore().presigned_post(
        key,
        upload.content_type,
        MAX_FILE_BYTES,
        UPLOAD_FORM_SECONDS,
        {"x-amz-meta-filename": quote(upload.filename)},
    )
    return UploadForm(
        url=url, fields=fields, key=key, expires_in=UPLOAD_FORM_SECONDS, max_size=MAX_FILE_BYTES
    )


def _checked_attachment(caller: Caller, uploads: UploadStore, key: str) -> Attachment:
    """The upload `key` as an attachment, after checking it is the caller's and really a file we
    accept: S3 enforces the form's size and type in AWS, but not locally, and a form can lie."""
    found = _UPLOAD_KEY.match(key)
    if not found or found.group("user") != caller.user_id:
        raise ValueError(FILE_NOT_FOUND)  # another consumer's key looks exactly like a missing one
    stored = uploads.head(key)
    if stored is None:
        raise ValueError(FILE_NOT_FOUND)
    size, content_type, metadata = stored
    filename = unquote(metadata.get("filename", "")) or key.rsplit("/", 1)[-1]
    if content_type not in FILE_TYPES:
        raise ValueError(f"Файл «{filename}» не подходит: можно приложить только {FILE_TYPES_TEXT}.")
    if size > MAX_FILE_BYTES:
        raise ValueError(f"Файл «{filename}» больше 10 МБ: уменьшите его или разделите на части.")
    if size == 0 or not uploads.first_bytes(key, 8).startswith(_MAGIC[content_type]):
        raise ValueError(
            f"Файл «{filename}» повреждён или не является файлом {content_type.split('/')[1].upper()}: "
            f"приложите настоящий файл {FILE_TYPES_TEXT}."
        )
    return Attachment(key=key, filename=filename, content_type=content_type, size=size)


def _attachments(caller: Caller, keys: list[str]) -> list[Attachment]:
    uploads = UploadStore()
    checked: list[Attachment] = []
    errors: list[FieldError] = []
    for index, key in enumerate(keys):
        try:
            checked.append(_checked_attachment(caller, uploads, key))
        except ValueError as refusal:
            errors.append(FieldError(field=f"attachments.{index}", message=str(refusal)))
    if errors:
        detail = errors[0].message if len(errors) == 1 else "Исправьте отмеченные файлы."
        raise Problem(HTTPStatus.UNPROCESSABLE_ENTITY, "Проверьте приложенные файлы", detail, errors)
    # Tagged before the request is written: a failure after this leaves a kept file, never a lost one.
    for attachment in checked:
        uploads.mark_attached(attachment.key)
    return checked


# ---------------------------------------------------------------- filing a request

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


class Submission(BaseModel):
    """What makes a filing the same filing: the caller, their Idempotency-Key and the payload."""

    user_id: str
    idempotency_key: str
    request: NewRequest = Field(discriminator="type")


def _number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:06d}"


def _file(submission: Submission, email: str) -> RequestCreated:
    request = submission.request
    attachments = _attachments(Caller(user_id=submission.user_id, email=email), request.attachments)
    created_at = now()
    at = created_at.isoformat()
    year = moscow_date(created_at).year
    request_id = new_request_id(created_at)
    kind = RequestType(request.type)
    deadline = review_deadline(kind, created_at)

    def build(sequence: int) -> Item:
        return {
            **request_key(submission.user_id, request_id),
            "request_id": request_id,
            "user_id": submission.user_id,
            "email": email,
            "number": _number(year, sequence),
            "type": kind.value,
            "text": request.text,
            "fields": request.fields.model_dump(mode="json", exclude_none=True),
            "attachments": [a.model_dump() for a in attachments],
            "status": RequestStatus.REGISTERED.value,
            "status_changed_at": at,
            "created_at": at,
            "updated_at": at,
            "review_deadline": deadline.isoformat(),
            "history": [{"status": RequestStatus.REGISTERED.value, "at": at, "changed_by": CONSUMER}],
        }

    try:
        item = RequestStore().create_numbered(year, build, _claim(submission))
    except AlreadyFiled as filed:
        return _filed_before(submission, filed)
    created = RequestCreated(
        id=request_id,
        number=str(item["number"]),
        status=RequestStatus.REGISTERED,
        status_title=STATUS_TITLES[RequestStatus.REGISTERED],
        created_at=created_at,
        review_deadline=deadline,
    )
    logger.info(
        "request filed", extra={"request_id": request_id, "number": created.number, "type": kind.value}
    )
    _mail(email, *mails.registered(created.number, TYPE_TITLES[kind], deadline, request_id))
    return created


def _payload_hash(submission: Submission) -> str:
    payload = submission.request.model_dump_json(exclude_none=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _claim(submission: Submission) -> Key:
    """The once-ever claim of an Idempotency-Key, written with the request itself. Powertools'
    record answers the usual retries; the claim also covers a retry after a crash between the write
    and that record, or after the record expired."""
    key_hash = hashlib.sha256(submission.idempotency_key.encode()).hexdigest()
    return {
        "pk": f"IDEMPOTENCY#{submission.user_id}#{key_hash}",
        "sk": "CLAIM",
        "payload": _payload_hash(submission),
    }


def _filed_before(submission: Submission, filed: AlreadyFiled) -> RequestCreated:
    item = RequestStore().get_by_key(filed.key)
    if filed.claim.get("payload") != _payload_hash(submission) or item is None:
        raise _key_reused()
    summary = _summary(item)
    return RequestCreated(
        id=summary.id,
        number=summary.number,
        status=RequestStatus.REGISTERED,
        status_title=STATUS_TITLES[RequestStatus.REGISTERED],
        created_at=summary.created_at,
        review_deadline=summary.review_deadline,
    )


def _key_reused() -> Problem:
    return field_problem(
        "Idempotency-Key",
        "С этим Idempotency-Key уже отправлена другая заявка. Для новой заявки создайте новый ключ.",
    )


def submit(
    caller: Caller, request: AnyNewRequest, idempotency_key: str | None, context: "LambdaContext"
) -> RequestCreated:
    """Files the request once per Idempotency-Key: a repeat with the same key and payload gets the
    first answer, the same key with another payload is refused."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )
    from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer

    from functions.common.aws import dynamodb

    if not idempotency_key or not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise field_problem(
            "Idempotency-Key",
            "Передайте заголовок Idempotency-Key: уникальную строку из 8–128 латинских букв, цифр и знаков "
            "-_.: (например, UUID), одну на каждую новую заявку. По нему повторная отправка не создаст "
            "вторую заявку.",
        )
    # Built per call, not at import: the table name comes from the environment, the client is the
    # portal's shared lazily created one, and the context gives the lock its real time to live.
    config = IdempotencyConfig(
        event_key_jmespath="[user_id, idempotency_key]",
        payload_validation_jmespath="request",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=IDEMPOTENCY_SECONDS,
    )
    config.register_lambda_context(context)
    persistence = DynamoDBPersistenceLayer(
        table_name=request_settings().idempotency_table,
        boto3_client=dynamodb(),
    )
    once = idempotent_function(
        data_keyword_argument="submission",
        config=config,
        persistence_store=persistence,
        output_serializer=PydanticSerializer(model=RequestCreated),
    )(_file)
    submission = Submission(user_id=caller.user_id, idempotency_key=idempotency_key, request=request)
    try:
        created: RequestCreated = once(submission=submission, email=caller.email)
    except IdempotencyValidationError:
        raise _key_reused() from None
    except IdempotencyAlreadyInProgressError:
        raise Problem(
            HTTPStatus.CONFLICT,
            "Заявка уже регистрируется",
            "Эта заявка уже отправлена и регистрируется. "
            "Подождите несколько секунд и обновите список заявок.",
        ) from None
    return created


def _mail(to: str, subject: str, text: str) -> None:
    """A mail that could not be sent is logged: the request is kept and its page shows everything."""
    try:
        queue_notice(to, subject, text)
    except Exception:
        logger.exception("mail not sent", extra={"subject": subject})


# ---------------------------------------------------------------- reading


def _summary(item: Item) -> RequestSummary:
    kind = RequestType(item["type"])
    status = RequestStatus(item["status"])
    return RequestSummary(
        id=str(item["request_id"]),
        number=str(item["number"]),
        type=kind,
        type_title=TYPE_TITLES[kind],
        status=status,
        status_title=STATUS_TITLES[status],
        created_at=datetime.fromisoformat(str(item["created_at"])),
        review_deadline=date.fromisoformat(str(item["review_deadline"])),
    )


_INVALID_CURSOR = "Курсор неверен или устарел: откройте список заново, с первой страницы."


def list_requests(caller: Caller, cursor: str | None, limit: int) -> RequestPage:
    mine = user_key(caller.user_id)
    start: Key | None = None
    if cursor:
        try:
            start = decode_cursor(
                cursor,
                lambda key: (
                    set(key) == {"pk", "sk"}
                    and key["pk"] == mine
                    and key["sk"].startswith(REQUEST_PREFIX)
                    and is_request_id(key["sk"].removeprefix(REQUEST_PREFIX))
                ),
            )
        except InvalidCursor:
            raise field_problem("cursor", _INVALID_CURSOR) from None
    items, last = RequestStore().list_for_user(caller.user_id, limit, start)
    return RequestPage(items=[_summary(item) for item in items], cursor=encode_cursor(last))


def _display(spec: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    for choice in spec.get("oneOf", []):
        if choice.get("const") == value:
            return str(choice.get("title", value))
    if spec.get("format") == "date":
        return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    if spec.get("type") == "number":
        return str(value).replace(".", ",")
    return str(value)


def _field_rows(kind: RequestType, fields: Mapping[str, Any]) -> list[FieldRow]:
    properties = _schemas()[kind]["properties"]
    return [
        FieldRow(name=name, title=str(spec.get("title", name)), value=_display(spec, fields[name]))
        for name, spec in properties.items()
        if fields.get(name) is not None
    ]


def _detail_fields(item: Item) -> dict[str, Any]:
    kind = RequestType(item["type"])
    uploads = UploadStore()
    attachments = [Attachment.model_validate(a) for a in item.get("attachments", [])]
    fields = dict(item.get("fields", {}))
    return {
        **_summary(item).model_dump(),
        "text": str(item["text"]),
        "fields": fields,
        "field_rows": _field_rows(kind, fields),
        "attachments": [
            AttachmentLink(
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                url=uploads.download_url(a.key, a.filename, a.content_type, DOWNLOAD_LINK_SECONDS),
            )
            for a in attachments
        ],
        "updated_at": datetime.fromisoformat(str(item["updated_at"])),
    }


def _history(item: Item) -> list[dict[str, Any]]:
    return [
        {**entry, "status_title": STATUS_TITLES[RequestStatus(entry["status"])]}
        for entry in item.get("history", [])
    ]


def request_detail(caller: Caller, request_id: str) -> RequestDetail:
    item = RequestStore().get(caller.user_id, request_id) if is_request_id(request_id) else None
    if item is None:
        raise not_found("Заявка не найдена.")
    return RequestDetail(
        **_detail_fields(item), history=[HistoryEntry.model_validate(entry) for entry in _history(item)]
    )


# ---------------------------------------------------------------- the company's systems


def _for_integration(item: Item) -> IntegrationRequest:
    return IntegrationRequest(
        **_detail_fields(item),
        history=[IntegrationHistoryEntry.model_validate(entry) for entry in _history(item)],
        user_id=str(item["user_id"]),
        email=str(item["email"]),
    )


def list_for_integration(
    status: RequestStatus, since: datetime | None, cursor: str | None, limit: int
) -> IntegrationPage:
    start: Key | None = None
    if cursor:
        try:
            start = decode_cursor(
                cursor,
                lambda key: (
                    set(key) == {"pk", "sk", "status", "status_changed_at"} and key["status"] == status
                ),
            )
        except InvalidCursor:
            raise field_problem("cursor", _INVALID_CURSOR) from None
    # Stored times are ISO 8601 in UTC and compared as strings: `since` is written the same way.
    after = (
        (since if since.tzinfo else since.replace(tzinfo=UTC)).astimezone(UTC).isoformat() if since else None
    )
    items, last = RequestStore().list_by_status(status.value, after, limit, start)
    return IntegrationPage(items=[_for_integration(item) for item in items], cursor=encode_cursor(last))


def change_status(request_id: str, change: StatusChange, changed_by: str) -> IntegrationRequest:
    """Moves the request by the rules, keeps the change in its history and mails the consumer."""
    store = RequestStore()
    key = store.key_of(request_id) if is_request_id(request_id) else None
    item = store.get_by_key(key) if key else None
    if key is None or item is None:
        raise not_found("Заявка с таким id не найдена.")
    current = RequestStatus(item["status"])
    check_transition(current, change)
    at = now().isoformat()
    entry: Item = {"status": change.status.value, "at": at, "changed_by": change.changed_by or changed_by}
    if change.comment:
        entry["comment"] = change.comment
    try:
        updated = store.change_status(key, current.value, change.status.value, at, entry)
    except StatusChanged:
        raise Problem(
            HTTPStatus.CONFLICT,
            "Статус уже изменён",
            "Статус заявки только что изменили в другой системе. Получите заявку заново и повторите.",
        ) from None
    number = str(updated["number"])
    logger.info("request moved", extra={"request_id": request_id, "from": current, "to": change.status})
    _mail(
        str(updated["email"]),
        *mails.status_changed(number, STATUS_TITLES[change.status], change.comment, request_id),
    )
    return _for_integration(updated)
