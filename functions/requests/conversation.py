"""The conversation on a request (docs/architecture.md «Domain rules → Requests»): the consumer's
messages while it is open, the company's messages and documents, and how both see the thread.

A message is posted once per Idempotency-Key, as a filing is (filing.py): its files are the checked
versions of the author's uploads, copied to keys the request owns, and the message, the key's
claim, the uploads' claims, the request's update and what the message owes (`_owed`: its events,
numbered on from the request's counter, and the consumer's mail) are one transaction. The
consumer's message marks the request as awaiting an answer and, when it answers «Требуются
уточнения», moves it back to «На рассмотрении» by the statuses' rules (transitions.py); the
company's message answers it.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.caller import Caller
from functions.common.clock import now
from functions.common.errors import Conflict, FieldError, NotFound, TryLater
from functions.common.outbox import OutboxEntry
from functions.requests import idempotency, mails, transitions
from functions.requests.files import UploadStore
from functions.requests.ids import is_request_id, new_request_id
from functions.requests.inputs import CONSUMER_ACTOR, CompanyMessage, NewMessage
from functions.requests.integration_views import IntegrationMessage, IntegrationRequestThread
from functions.requests.outputs import MessageSent, Thread, ThreadMessage
from functions.requests.presentation import download_links, for_integration
from functions.requests.records import (
    EarlierClaim,
    IdempotencyClaim,
    RequestRef,
    StatusMove,
    StoredAttachment,
    StoredMessage,
    StoredRequest,
)
from functions.requests.settings import request_settings
from functions.requests.store import AlreadyAttached, AlreadyClaimed, RequestStore
from functions.requests.thread_store import RequestMoved, ThreadStore
from functions.requests.uploads import (
    COMPANY_OWNER,
    attached_elsewhere,
    attachment_refusal,
    checked_uploads,
    discard,
    is_own_upload,
    make_copies,
    message_file_key,
    owner_of,
)
from functions.requests.vocabulary import AUTHOR_TITLES, DOCUMENT_KIND_TITLES, STATUS_TITLES, MessageAuthor

logger = Logger()

# A message's transaction that finds the request moved meanwhile (another status, or another change
# numbered its events first) tries again on the request as the refusal shows it (no read), this many
# times in all: as many changes of one request at once as an integrator plausibly sends. Then the
# consumer is asked to reload (409), the company to send it again (503, as for a change of status).
_ATTEMPTS = 5


@dataclass(frozen=True)
class _Posting:
    """What makes a message the same message: who posts it, under which key, with what payload."""

    owner: str  # whose uploads it may attach: a consumer's sub or the company
    author: MessageAuthor
    changed_by: str  # the actor the portal records: consumer or api-key:<id>
    claim: IdempotencyClaim
    message: NewMessage

    def not_found(self) -> NotFound:
        return NotFound(
            "Заявка не найдена." if self.author is MessageAuthor.CONSUMER else "Заявка с таким id не найдена."
        )


# ---------------------------------------------------------------- posting


def post_consumer_message(
    caller: Caller, request_id: str, message: NewMessage, idempotency_key: str | None
) -> MessageSent:
    """The consumer's message on their own open request (another's id is not found)."""
    owner = owner_of(caller)
    posting = _Posting(
        owner=owner,
        author=MessageAuthor.CONSUMER,
        changed_by=CONSUMER_ACTOR,
        # A consumer's keys are theirs (their sub); the company's, each integration key's own.
        claim=idempotency.claim(idempotency.MESSAGE, owner, idempotency_key, message, request_id),
        message=message,
    )
    if not is_request_id(request_id):
        raise posting.not_found()
    request, written, _ = _post(posting, RequestRef(user_id=caller.user_id, request_id=request_id))
    return MessageSent(
        message=_shown(written), status=request.status, status_title=STATUS_TITLES[request.status]
    )


def post_company_message(
    request_id: str, message: CompanyMessage, idempotency_key: str | None, changed_by: str
) -> tuple[IntegrationMessage, bool]:
    """The company's message or document on a request, in any status: a closing act or an invoice
    may follow «Выполнена»; and whether it was posted before with this key (a replay)."""
    posting = _Posting(
        owner=COMPANY_OWNER,
        author=MessageAuthor.COMPANY,
        changed_by=changed_by,
        claim=idempotency.claim(idempotency.MESSAGE, changed_by, idempotency_key, message, request_id),
        message=message,
    )
    ref = RequestStore().find(request_id) if is_request_id(request_id) else None
    if ref is None:
        raise posting.not_found()
    _, written, replayed = _post(posting, ref)
    return _for_integration(written), replayed


def _post(posting: _Posting, ref: RequestRef) -> tuple[StoredRequest, StoredMessage, bool]:
    """Posts the message once per Idempotency-Key; returns the request (as it was before the
    message's own changes when it was posted before), the message as written, and whether it was
    posted before (a replay)."""
    store = ThreadStore()
    claim = posting.claim
    attachments = posting.message.attachments
    own = [upload for upload in attachments if is_own_upload(posting.owner, upload)]
    before = store.before_message(ref, claim, own)
    if before.request is None:
        raise posting.not_found()
    if before.posted is not None:
        return before.request, _posted_before(store, claim, before.posted, ref.request_id), True
    request = before.request
    _check_open(posting, request)
    at = now()
    message_id = new_request_id(at)
    uploads = UploadStore()
    checked = checked_uploads(posting.owner, uploads, attachments, before.attached)
    copies: list[str] = []
    try:
        files = make_copies(
            uploads, partial(message_file_key, request.request_id, message_id), checked, copies
        )
    except BaseException:
        discard(uploads, copies)
        raise
    message = _message(posting, request, message_id, at, files)
    try:
        request = _write(store, posting, request, message)
    except AlreadyClaimed as posted:  # the same message, written meanwhile by a retry
        discard(uploads, copies)
        return request, _posted_before(store, claim, posted.earlier, ref.request_id), True
    except AlreadyAttached as attached:
        discard(uploads, copies)
        raise attachment_refusal(
            [
                FieldError(field=f"attachments.{index}", message=attached_elsewhere(attached.numbers[upload]))
                for index, upload in enumerate(attachments)
                if upload in attached.numbers
            ]
        ) from None
    except BaseException:
        _discard_unless_written(store, uploads, message, copies)
        raise
    logger.info(
        "message posted",
        extra={"request_id": request.request_id, "message_id": message_id, "author": posting.author.value},
    )
    return request, message, False


def _message(
    posting: _Posting, request: StoredRequest, message_id: str, at: datetime, files: list[StoredAttachment]
) -> StoredMessage:
    """The message to write: on `request` (whose number an upload's claim names), at its id's time."""
    company = posting.message if isinstance(posting.message, CompanyMessage) else None
    return StoredMessage(
        user_id=request.user_id,
        request_id=request.request_id,
        message_id=message_id,
        number=request.number,
        author=posting.author,
        changed_by=posting.changed_by,
        text=posting.message.text,
        attachments=tuple(files),
        at=at,
        kind=company.kind if company else None,
        operator=company.operator if company else None,
    )


def _write(
    store: ThreadStore, posting: _Posting, request: StoredRequest, message: StoredMessage
) -> StoredRequest:
    """Writes the message with what it owes; returns the request as it is after it. A message written
    while the request moved (its status, or its counter of events: another change numbered its
    events first) is tried again on the request as it is now."""
    uploads = posting.message.attachments
    for _ in range(_ATTEMPTS):
        try:
            if posting.author is MessageAuthor.COMPANY:
                owed = _owed(posting, request, message, None)
                return store.add_company_message(message, request, posting.claim, uploads, owed)
            move = transitions.consumer_move(request.status, message.at)
            owed = _owed(posting, request, message, move)
            return store.add_consumer_message(message, request, posting.claim, uploads, move, owed)
        except RequestMoved as moved:
            if moved.request is None:
                raise posting.not_found() from None
            request = moved.request
            _check_open(posting, request)
    if posting.author is MessageAuthor.COMPANY:
        raise TryLater(
            "Заявка сейчас меняется",
            "По заявке одновременно записываются другие изменения. Повторите запрос через секунду.",
            retry_after=1,
        )
    raise Conflict(
        "Заявка сейчас меняется",
        "По заявке одновременно записываются другие изменения. Обновите страницу и отправьте сообщение"
        " ещё раз.",
    )


def _owed(
    posting: _Posting, request: StoredRequest, message: StoredMessage, move: StatusMove | None
) -> OutboxEntry:
    """What the message on `request` (as read) owes: its event, with the change of status it makes
    (an answer to «Требуются уточнения»), numbered on from the request's counter; the consumer's
    mail of the company's message, or of the change of status the consumer's answer made. An erased
    consumer's request has no address: no mail is owed."""
    number, request_id = request.number, request.request_id
    posted = events.RequestMessagePosted(
        request_id=request_id,
        number=number,
        sequence=request.event_seq + 1,
        message_id=message.message_id,
        author=posting.author.value,  # MessageAuthor's values
        attachments=len(message.attachments),
        posted_at=message.at,
    )
    if posting.author is MessageAuthor.COMPANY:
        title = DOCUMENT_KIND_TITLES[message.kind] if message.kind else None
        text = mails.company_message(number, title, message.text, request_id)
        mail = mails.to_consumer(request.email, *text)
        return OutboxEntry.owing(mails=mail, events=[posted])
    if move is None:
        return OutboxEntry.owing(events=[posted])
    changed = transitions.status_changed(request, move, "consumer", request.event_seq + 2)
    mail = mails.to_consumer(request.email, *mails.status_changed(number, move.status, None, request_id))
    return OutboxEntry.owing(mails=mail, events=[posted, changed])


def _check_open(posting: _Posting, request: StoredRequest) -> None:
    if posting.author is MessageAuthor.CONSUMER and not transitions.is_open(request.status):
        raise Conflict(
            "Заявка закрыта",
            f"Заявка в статусе «{STATUS_TITLES[request.status]}» закрыта: сообщения по ней больше не "
            "принимаются. Если нужно, подайте новую заявку.",
        )


def _posted_before(
    store: ThreadStore, claim: IdempotencyClaim, posted: EarlierClaim, request_id: str
) -> StoredMessage:
    return idempotency.answer_again(
        idempotency.MESSAGE,
        claim,
        posted,
        lambda earlier: store.message(
            earlier.user_id, earlier.request_id, earlier.message_id or "", consistent=True
        ),
        request_id,
    )


def _discard_unless_written(
    store: ThreadStore, uploads: UploadStore, message: StoredMessage, copies: list[str]
) -> None:
    """After an unexpected failure the message may have been written all the same: its copies are
    deleted only when it surely was not."""
    if not copies:
        return
    try:
        written = store.is_posted(message)
    except Exception:
        logger.exception("copies of a failed message kept: whether it was written is unknown")
        return
    if not written:
        discard(uploads, copies)


# ---------------------------------------------------------------- reading


def _fields(message: StoredMessage) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "author": message.author,
        "author_title": (
            request_settings().operator_name
            if message.author == MessageAuthor.COMPANY
            else AUTHOR_TITLES[message.author]
        ),
        "text": message.text,
        "kind": message.kind,
        "kind_title": DOCUMENT_KIND_TITLES[message.kind] if message.kind else None,
        "attachments": download_links(message.attachments),
        "at": message.at,
    }


def _shown(message: StoredMessage) -> ThreadMessage:
    return ThreadMessage(**_fields(message))


def _for_integration(message: StoredMessage) -> IntegrationMessage:
    return IntegrationMessage(**_fields(message), changed_by=message.changed_by, operator=message.operator)


def consumer_thread(caller: Caller, request_id: str, cursor: str | None, limit: int) -> Thread:
    """The consumer's thread of their own request, oldest first: one Query under their own key, so
    another consumer's request (or an unknown id) is an empty thread, like a request without messages."""
    if not is_request_id(request_id):
        raise NotFound("Заявка не найдена.")
    page = ThreadStore().thread(caller.user_id, request_id, limit, cursor)
    return Thread(items=[_shown(message) for message in page.items], cursor=page.cursor)


def integration_request(request_id: str) -> IntegrationRequestThread:
    """A request as the company's systems see it, with its whole thread."""
    store = RequestStore()
    ref = store.find(request_id) if is_request_id(request_id) else None
    request = store.get(ref.user_id, ref.request_id) if ref else None
    if request is None:
        raise NotFound("Заявка с таким id не найдена.")
    messages = ThreadStore().whole_thread(request.user_id, request_id)
    return IntegrationRequestThread(
        **for_integration(request).model_dump(), messages=[_for_integration(m) for m in messages]
    )
