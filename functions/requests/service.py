"""Service requests: types, uploads, filing with a gap-free number and a review deadline, the
consumer's list and detail, and the company's status changes with their mails."""

import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, unquote

from aws_lambda_powertools import Logger
from pydantic import BaseModel, Field

from functions.common import russian
from functions.common.api import Caller
from functions.common.clock import moscow_date, now
from functions.common.cursor import decode_cursor, encode_cursor
from functions.common.mail import send_mail
from functions.common.problems import FieldError, Problem, ProblemDetails, field_problem, not_found
from functions.requests import mails
from functions.requests.calendar import add_working_days
from functions.requests.models import (
    API_KEY_ACTOR_PREFIX,
    CONSUMER_ACTOR,
    FIELDS_OF,
    FILE_TYPES,
    FILE_TYPES_TEXT,
    KIND_OF,
    MAX_FILE_BYTES,
    STATUS_TITLES,
    TYPE_TITLES,
    UNKNOWN_KEY_ACTOR,
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
    is_reserved_actor,
)
from functions.requests.settings import request_settings
from functions.requests.store import (
    REQUEST_PREFIX,
    AlreadyAttached,
    AlreadyFiled,
    Item,
    Key,
    RequestStore,
    StatusChanged,
    StoredUpload,
    UploadStore,
    is_request_id,
    new_request_id,
    request_key,
    user_key,
)

logger = Logger()

UPLOAD_FORM_SECONDS = 600
DOWNLOAD_LINK_SECONDS = 300

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
                title=kind.title,
                description=kind.description,
                review_working_days=days[code],
                fields_schema=_schemas()[code],
            )
            for code, kind in KIND_OF.items()
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


def _is_own_upload(caller: Caller, key: str) -> bool:
    found = _UPLOAD_KEY.match(key)
    return found is not None and found.group("user") == caller.user_id


def _attached_elsewhere(number: str) -> str:
    return (
        f"Этот файл уже приложен к заявке № {number}. Чтобы приложить его к новой заявке, "
        "загрузите его ещё раз кнопкой «Выберите файл»."
    )


def _filename(upload: StoredUpload) -> str:
    return unquote(upload.metadata.get("filename", "")) or upload.key.rsplit("/", 1)[-1]


def _checked_upload(uploads: UploadStore, key: str) -> StoredUpload:
    """The current version of the upload `key` (the caller's own), after checking it is really a file
    we accept: S3 enforces the form's size and type in AWS, but not locally, and a form can lie."""
    stored = uploads.read(key, max(len(magic) for kinds in _MAGIC.values() for magic in kinds))
    if stored is None:
        raise ValueError(FILE_NOT_FOUND)
    filename = _filename(stored)
    if stored.content_type not in FILE_TYPES:
        raise ValueError(f"Файл «{filename}» не подходит: можно приложить только {FILE_TYPES_TEXT}.")
    if stored.size > MAX_FILE_BYTES:
        raise ValueError(f"Файл «{filename}» больше 10 МБ: уменьшите его или разделите на части.")
    if stored.size == 0 or not stored.first_bytes.startswith(_MAGIC[stored.content_type]):
        raise ValueError(
            f"Файл «{filename}» повреждён или не является файлом "
            f"{stored.content_type.split('/')[1].upper()}: приложите настоящий файл {FILE_TYPES_TEXT}."
        )
    return stored


def _attachment_problem(errors: list[FieldError]) -> Problem:
    detail = errors[0].message if len(errors) == 1 else "Исправьте отмеченные файлы."
    return Problem(HTTPStatus.UNPROCESSABLE_ENTITY, "Проверьте приложенные файлы", detail, errors)


def _checked_uploads(
    caller: Caller, uploads: UploadStore, keys: Sequence[str], attached: Mapping[str, str]
) -> list[StoredUpload]:
    """Each upload of `keys`, checked; all refusals at once, each on its `attachments.<i>`. Another
    consumer's key looks exactly like a missing one; an upload attached already is refused."""
    checked: list[StoredUpload] = []
    errors: list[FieldError] = []
    for index, key in enumerate(keys):
        try:
            if not _is_own_upload(caller, key):
                raise ValueError(FILE_NOT_FOUND)
            if key in attached:
                raise ValueError(_attached_elsewhere(attached[key]))
            checked.append(_checked_upload(uploads, key))
        except ValueError as refusal:
            errors.append(FieldError(field=f"attachments.{index}", message=str(refusal)))
    if errors:
        raise _attachment_problem(errors)
    return checked


def filed_file_key(request_id: str, index: int) -> str:
    """Where a request keeps its `index`-th file: outside `uploads/`, so no upload form can write it."""
    return f"requests/{request_id}/{index}"


def _copies(
    uploads: UploadStore, request_id: str, checked: Sequence[StoredUpload], made: list[str]
) -> list[Attachment]:
    """Copies each checked version to the request's own key (each key is added to `made` before its
    copy is asked for, so that a failure can delete whatever was made)."""
    attachments: list[Attachment] = []
    for index, upload in enumerate(checked):
        key = filed_file_key(request_id, index)
        made.append(key)
        copied = uploads.copy(upload, key)
        if copied is None:
            raise _attachment_problem(
                [
                    FieldError(
                        field=f"attachments.{index}",
                        message=f"Файл «{_filename(upload)}» изменился после проверки: "
                        "загрузите его ещё раз.",
                    )
                ]
            )
        version_id, sha256 = copied
        attachments.append(
            Attachment(
                key=key,
                filename=_filename(upload),
                content_type=upload.content_type,
                size=upload.size,
                upload=upload.key,
                version_id=version_id,
                sha256=sha256,
            )
        )
    return attachments


def _discard(uploads: UploadStore, keys: Sequence[str]) -> None:
    """Deletes the copies of a filing that was not written; a copy that cannot be deleted is logged
    (it is kept, never lost: the lifecycle does not expire anything under requests/)."""
    try:
        left = uploads.discard(keys)
    except Exception:
        left = list(keys)
        logger.exception("copies of a failed filing not deleted", extra={"keys": left})
        return
    if left:
        logger.error("copies of a failed filing not deleted", extra={"keys": left})


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
    """Files the request with its files: each upload is read once (one version, checked), that
    version is copied to the request's own key, and the request, its number and the claims of its
    Idempotency-Key and of each upload are written in one transaction. Copies of a filing that is
    not written are deleted; a filing made already is answered before anything is copied."""
    request = submission.request
    caller = Caller(user_id=submission.user_id, email=email)
    created_at = now()
    at = created_at.isoformat()
    year = moscow_date(created_at).year
    request_id = new_request_id(created_at)
    kind = RequestType(request.type)
    deadline = review_deadline(kind, created_at)
    store = RequestStore()
    claim = _claim(submission)
    before = store.before_filing(
        submission.user_id, year, claim, [key for key in request.attachments if _is_own_upload(caller, key)]
    )
    if before.filed is not None:
        return _filed_before(submission, before.filed)
    uploads = UploadStore()
    checked = _checked_uploads(caller, uploads, request.attachments, before.attached)
    attachments: list[Attachment] = []

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
            "attachments": [a.model_dump(exclude_none=True) for a in attachments],
            "status": RequestStatus.REGISTERED.value,
            "status_changed_at": at,
            "created_at": at,
            "updated_at": at,
            "review_deadline": deadline.isoformat(),
            "history": [{"status": RequestStatus.REGISTERED.value, "at": at, "changed_by": CONSUMER_ACTOR}],
        }

    copies: list[str] = []
    try:
        attachments = _copies(uploads, request_id, checked, copies)
    except BaseException:
        _discard(uploads, copies)
        raise
    try:
        item = store.create_numbered(year, build, claim, request.attachments, before.last)
    except AlreadyFiled as filed:  # the same filing, written meanwhile by a retry
        _discard(uploads, copies)
        return _filed_before(submission, filed)
    except AlreadyAttached as attached:  # attached meanwhile to another request
        _discard(uploads, copies)
        raise _attachment_problem(
            [
                FieldError(field=f"attachments.{index}", message=_attached_elsewhere(attached.numbers[key]))
                for index, key in enumerate(request.attachments)
                if key in attached.numbers
            ]
        ) from None
    except BaseException:
        _discard_unless_written(store, uploads, request_key(submission.user_id, request_id), copies)
        raise
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


def _discard_unless_written(store: RequestStore, uploads: UploadStore, key: Key, copies: list[str]) -> None:
    """After an unexpected failure the request may have been written all the same (an answer lost
    after the write): its copies are deleted only when it surely was not."""
    if not copies:
        return
    try:
        written = store.exists(key)
    except Exception:
        logger.exception("copies of a failed filing kept: whether it was written is unknown")
        return
    if not written:
        _discard(uploads, copies)


def _payload_hash(submission: Submission) -> str:
    payload = submission.request.model_dump_json(exclude_none=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _claim(submission: Submission) -> Key:
    """The once-ever claim of an Idempotency-Key, written with the request itself: its conditional
    put makes a second filing with the key impossible, and a repeat reads the request it names."""
    key_hash = hashlib.sha256(submission.idempotency_key.encode()).hexdigest()
    return {
        "pk": f"IDEMPOTENCY#{submission.user_id}#{key_hash}",
        "sk": "CLAIM",
        "payload": _payload_hash(submission),
    }


def _filed_before(submission: Submission, filed: AlreadyFiled) -> RequestCreated:
    if filed.claim.get("payload") != _payload_hash(submission):
        raise _key_reused()
    # The claim and the request are written in one transaction: a consistent read finds the request.
    item = RequestStore().get_by_key(filed.key, consistent=True)
    if item is None:
        raise Problem(
            HTTPStatus.CONFLICT,
            "Заявка уже регистрируется",
            "Эта заявка уже отправлена и регистрируется. "
            "Подождите несколько секунд и обновите список заявок.",
        )
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


def submit(caller: Caller, request: NewRequest, idempotency_key: str | None) -> RequestCreated:
    """Files the request once per Idempotency-Key: a repeat with the same key and payload gets the
    first answer, the same key with another payload is refused. The key's claim, written in the
    request's own transaction, is the one record of it (docs/architecture.md, «Data model»)."""
    if not idempotency_key or not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise field_problem(
            "Idempotency-Key",
            "Передайте заголовок Idempotency-Key: уникальную строку из 8–128 латинских букв, цифр и знаков "
            "-_.: (например, UUID), одну на каждую новую заявку. По нему повторная отправка не создаст "
            "вторую заявку.",
        )
    submission = Submission(user_id=caller.user_id, idempotency_key=idempotency_key, request=request)
    return _file(submission, caller.email)


NUMBERING_RETRY_SECONDS = 60


def numbering_busy() -> tuple[ProblemDetails, dict[str, str]]:
    """The answer to `NumberingBusy`: nothing was filed, send it again in a minute."""
    details = ProblemDetails(
        status=HTTPStatus.SERVICE_UNAVAILABLE,
        title="Заявка не зарегистрирована",
        detail="Сейчас регистрируется слишком много заявок. Повторите отправку через минуту.",
    )
    return details, {"Retry-After": str(NUMBERING_RETRY_SECONDS)}


def _mail(to: str, subject: str, text: str) -> None:
    """A mail that could not be sent is logged: the request is kept and its page shows everything."""
    try:
        send_mail(to, subject, text)
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


def list_requests(caller: Caller, cursor: str | None, limit: int) -> RequestPage:
    mine = user_key(caller.user_id)
    start = (
        decode_cursor(
            cursor,
            lambda key: (
                set(key) == {"pk", "sk"}
                and key["pk"] == mine
                and key["sk"].startswith(REQUEST_PREFIX)
                and is_request_id(key["sk"].removeprefix(REQUEST_PREFIX))
            ),
        )
        if cursor
        else None
    )
    items, last = RequestStore().list_for_user(caller.user_id, limit, start)
    return RequestPage(items=[_summary(item) for item in items], cursor=encode_cursor(last))


def _display(spec: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    for choice in spec.get("oneOf", []):
        if choice.get("const") == value:
            return str(choice.get("title", value))
    if spec.get("format") == "date":
        return russian.date(date.fromisoformat(str(value)))
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


def _with_actor(entry: dict[str, Any], first: bool) -> dict[str, Any]:
    """A history entry whose actor is one the portal sets: the consumer, who files the request
    (the first entry), or an API key.

    Before the actor was the portal's alone, a client could put any name into `changed_by`, even
    "consumer": such an entry is shown as a change by an unknown key, the name as its operator
    (unless it is one of the reserved ones).
    """
    actor = str(entry.get("changed_by", ""))
    if (first and actor == CONSUMER_ACTOR) or actor.startswith(API_KEY_ACTOR_PREFIX):
        return entry
    named = None if not actor or is_reserved_actor(actor) else actor
    return {**entry, "changed_by": UNKNOWN_KEY_ACTOR, "operator": entry.get("operator") or named}


def _for_integration(item: Item) -> IntegrationRequest:
    return IntegrationRequest(
        **_detail_fields(item),
        history=[
            IntegrationHistoryEntry.model_validate(_with_actor(entry, index == 0))
            for index, entry in enumerate(_history(item))
        ],
        user_id=str(item["user_id"]),
        email=str(item["email"]),
    )


def list_for_integration(
    status: RequestStatus, since: datetime | None, cursor: str | None, limit: int
) -> IntegrationPage:
    start = (
        decode_cursor(
            cursor,
            lambda key: set(key) == {"pk", "sk", "status", "status_changed_at"} and key["status"] == status,
        )
        if cursor
        else None
    )
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
    # The actor is who the portal knows made the change (the API key); the operator the client names
    # is kept beside it, never in its place.
    entry: Item = {"status": change.status.value, "at": at, "changed_by": changed_by}
    if change.operator:
        entry["operator"] = change.operator
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
