"""Filing a request once per Idempotency-Key, with a gap-free number, its files and its mail."""

import hashlib
import re
from functools import partial

from aws_lambda_powertools import Logger
from pydantic import BaseModel, Field

from functions.common import events
from functions.common.caller import Caller
from functions.common.clock import moscow_date, now
from functions.common.errors import Conflict, FieldError, InvalidInput, TryLater, invalid_field
from functions.common.metrics import BusinessMetric, count
from functions.requests import mails
from functions.requests.files import UploadStore
from functions.requests.ids import new_request_id
from functions.requests.inputs import CONSUMER_ACTOR
from functions.requests.kinds import review_deadline
from functions.requests.outputs import Attachment, RequestCreated
from functions.requests.presentation import summary
from functions.requests.registry import STATUS_TITLES, TYPE_TITLES, NewRequest, RequestStatus, RequestType
from functions.requests.store import (
    AlreadyAttached,
    AlreadyFiled,
    Item,
    Key,
    NumberingBusy,
    RequestStore,
    request_key,
)
from functions.requests.uploads import (
    attached_elsewhere,
    attachment_refusal,
    checked_uploads,
    discard,
    filed_file_key,
    is_own_upload,
    make_copies,
    owner_of,
)

logger = Logger()

# ---------------------------------------------------------------- filing a request

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
IDEMPOTENCY_KEY_PATTERN = _IDEMPOTENCY_KEY  # the same rule for a message's key (conversation.py)
NUMBERING_RETRY_SECONDS = 60  # Retry-After of a filing refused because the numbering stayed busy


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
    own = [key for key in request.attachments if is_own_upload(owner_of(caller), key)]
    before = store.before_filing(submission.user_id, year, claim, own)
    if before.filed is not None:
        return _filed_before(submission, before.filed)
    uploads = UploadStore()
    checked = checked_uploads(owner_of(caller), uploads, request.attachments, before.attached)
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
        attachments = make_copies(uploads, partial(filed_file_key, request_id), checked, copies)
    except BaseException:
        discard(uploads, copies)
        raise
    try:
        item = store.create_numbered(year, build, claim, request.attachments, before.last)
    except AlreadyFiled as filed:  # the same filing, written meanwhile by a retry
        discard(uploads, copies)
        return _filed_before(submission, filed)
    except AlreadyAttached as attached:  # attached meanwhile to another request
        discard(uploads, copies)
        raise attachment_refusal(
            [
                FieldError(field=f"attachments.{index}", message=attached_elsewhere(attached.numbers[key]))
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
    count(BusinessMetric.REQUESTS_FILED, RequestType=kind.value)
    events.publish(
        events.RequestFiled(
            request_id=request_id,
            number=created.number,
            type=kind.value,
            status=RequestStatus.REGISTERED.value,
            filed_at=events.at(at),
        )
    )
    mails.mail_consumer(email, *mails.registered(created.number, TYPE_TITLES[kind], deadline, request_id))
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
        discard(uploads, copies)


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
        raise Conflict(
            "Заявка уже регистрируется",
            "Эта заявка уже отправлена и регистрируется. "
            "Подождите несколько секунд и обновите список заявок.",
        )
    shown = summary(item)
    return RequestCreated(
        id=shown.id,
        number=shown.number,
        status=RequestStatus.REGISTERED,
        status_title=STATUS_TITLES[RequestStatus.REGISTERED],
        created_at=shown.created_at,
        review_deadline=shown.review_deadline,
    )


def _key_reused() -> InvalidInput:
    return invalid_field(
        "Idempotency-Key",
        "С этим Idempotency-Key уже отправлена другая заявка. Для новой заявки создайте новый ключ.",
    )


def submit(caller: Caller, request: NewRequest, idempotency_key: str | None) -> RequestCreated:
    """Files the request once per Idempotency-Key: a repeat with the same key and payload gets the
    first answer, the same key with another payload is refused. The key's claim, written in the
    request's own transaction, is the one record of it (docs/architecture.md, «Data model»). When the
    year's numbering stays busy nothing is filed: TryLater, send it again in a minute."""
    if not idempotency_key or not _IDEMPOTENCY_KEY.match(idempotency_key):
        raise invalid_field(
            "Idempotency-Key",
            "Передайте заголовок Idempotency-Key: уникальную строку из 8–128 латинских букв, цифр и знаков "
            "-_.: (например, UUID), одну на каждую новую заявку. По нему повторная отправка не создаст "
            "вторую заявку.",
        )
    submission = Submission(user_id=caller.user_id, idempotency_key=idempotency_key, request=request)
    try:
        return _file(submission, caller.email)
    except NumberingBusy:
        raise TryLater(
            "Заявка не зарегистрирована",
            "Сейчас регистрируется слишком много заявок. Повторите отправку через минуту.",
            retry_after=NUMBERING_RETRY_SECONDS,
        ) from None
