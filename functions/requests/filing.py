"""Filing a request once per Idempotency-Key, with a gap-free number, its files, and what it owes (the
consumer's mail, the event RequestFiled) written with it."""

from functools import partial

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.caller import Caller
from functions.common.clock import moscow_date, now
from functions.common.errors import FieldError, TryLater
from functions.common.metrics import BusinessMetric, count
from functions.common.outbox import OutboxEntry
from functions.requests import idempotency, mails
from functions.requests.connection_procedure import CONNECTION, offer_deadline
from functions.requests.files import UploadStore
from functions.requests.ids import new_request_id
from functions.requests.inputs import CONSUMER_ACTOR
from functions.requests.kinds import review_deadline
from functions.requests.outputs import RequestCreated
from functions.requests.presentation import summary
from functions.requests.records import (
    EarlierClaim,
    Filing,
    IdempotencyClaim,
    StoredHistoryEntry,
    StoredRequest,
)
from functions.requests.registry import NewRequest
from functions.requests.store import AlreadyAttached, AlreadyClaimed, NumberingBusy, RequestStore
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
from functions.requests.vocabulary import STATUS_TITLES, TYPE_TITLES, RequestStatus, RequestType

logger = Logger()

# ---------------------------------------------------------------- filing a request

NUMBERING_RETRY_SECONDS = 60  # Retry-After of a filing refused because the numbering stayed busy


def _file(caller: Caller, request: NewRequest, claim: IdempotencyClaim) -> RequestCreated:
    """Files the request with its files: each upload is read once (one version, checked), that
    version is copied to the request's own key, and the request, its number, the claims of its
    Idempotency-Key and of each upload and what it owes (`_owed`) are written in one transaction.
    Copies of a filing that is not written are deleted; a filing made already is answered before
    anything is copied (and owes nothing again)."""
    user_id, email = caller.user_id, caller.email
    created_at = now()
    year = moscow_date(created_at).year
    request_id = new_request_id(created_at)
    kind = RequestType(request.type)
    fields = request.fields.model_dump(mode="json", exclude_none=True)
    deadline = (
        offer_deadline(fields, moscow_date(created_at))
        if kind == CONNECTION
        else review_deadline(kind, created_at)
    )
    store = RequestStore()
    own = [key for key in request.attachments if is_own_upload(owner_of(caller), key)]
    before = store.before_filing(year, claim, own)
    if before.filed is not None:
        return _filed_before(claim, before.filed)
    uploads = UploadStore()
    checked = checked_uploads(owner_of(caller), uploads, request.attachments, before.attached)
    copies: list[str] = []
    try:
        attachments = make_copies(uploads, partial(filed_file_key, request_id), checked, copies)
    except BaseException:
        discard(uploads, copies)
        raise
    filing = Filing(
        request_id=request_id,
        user_id=user_id,
        email=email,
        type=kind,
        text=request.text,
        fields=fields,
        attachments=tuple(attachments),
        review_deadline=deadline,
        first=StoredHistoryEntry(status=RequestStatus.REGISTERED, at=created_at, changed_by=CONSUMER_ACTOR),
    )
    try:
        filed = store.create_numbered(year, filing, claim, _owed, request.attachments, before.last)
    except AlreadyClaimed as claimed:  # the same filing, written meanwhile by a retry
        discard(uploads, copies)
        return _filed_before(claim, claimed.earlier)
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
        _discard_unless_written(store, uploads, filing, copies)
        raise
    created = RequestCreated(
        id=request_id,
        number=filed.number,
        status=RequestStatus.REGISTERED,
        status_title=STATUS_TITLES[RequestStatus.REGISTERED],
        created_at=created_at,
        review_deadline=deadline,
    )
    logger.info(
        "request filed", extra={"request_id": request_id, "number": created.number, "type": kind.value}
    )
    count(BusinessMetric.REQUESTS_FILED, RequestType=kind.value)
    return created


def _owed(request: StoredRequest) -> OutboxEntry:
    """What filing `request` owes (the request as it is about to be written, numbered): the
    consumer's mail and its first event."""
    filed = events.RequestFiled(
        request_id=request.request_id,
        number=request.number,
        sequence=request.event_seq + 1,
        type=request.type.value,
        status=RequestStatus.REGISTERED.value,
        filed_at=request.created_at,
    )
    title = TYPE_TITLES[request.type]
    mail = mails.to_consumer(
        request.email, *mails.registered(request.number, title, request.review_deadline, request.request_id)
    )
    return OutboxEntry.owing(mails=mail, events=[filed])


def _discard_unless_written(
    store: RequestStore, uploads: UploadStore, filing: Filing, copies: list[str]
) -> None:
    """After an unexpected failure the request may have been written all the same (an answer lost
    after the write): its copies are deleted only when it surely was not."""
    if not copies:
        return
    try:
        written = store.is_filed(filing.user_id, filing.request_id)
    except Exception:
        logger.exception("copies of a failed filing kept: whether it was written is unknown")
        return
    if not written:
        discard(uploads, copies)


def _filed_before(claim: IdempotencyClaim, filed: EarlierClaim) -> RequestCreated:
    request = idempotency.answer_again(
        idempotency.FILING,
        claim,
        filed,
        lambda earlier: RequestStore().get(earlier.user_id, earlier.request_id, consistent=True),
    )
    shown = summary(request)
    return RequestCreated(
        id=shown.id,
        number=shown.number,
        status=RequestStatus.REGISTERED,
        status_title=STATUS_TITLES[RequestStatus.REGISTERED],
        created_at=shown.created_at,
        review_deadline=shown.review_deadline,
    )


def submit(caller: Caller, request: NewRequest, idempotency_key: str | None) -> RequestCreated:
    """Files the request once per Idempotency-Key: a repeat with the same key and payload gets the
    first answer, the same key with another payload is refused. The key's claim, written in the
    request's own transaction, is the one record of it (docs/architecture.md, «Data model»). When the
    year's numbering stays busy nothing is filed: TryLater, send it again in a minute."""
    claim = idempotency.claim(idempotency.FILING, caller.user_id, idempotency_key, request)
    try:
        return _file(caller, request, claim)
    except NumberingBusy:
        raise TryLater(
            "Заявка не зарегистрирована",
            "Сейчас регистрируется слишком много заявок. Повторите отправку через минуту.",
            retry_after=NUMBERING_RETRY_SECONDS,
        ) from None
