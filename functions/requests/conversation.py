"""The conversation on a request (docs/architecture.md «Domain rules → Requests»): the consumer's
messages while it is open, the company's messages and documents, and how both see the thread.

A message is posted once per Idempotency-Key, as a filing is (filing.py): its files are the checked
versions of the author's uploads, copied to keys the request owns, and the message, the key's
claim, the uploads' claims and the request's update are one transaction. The consumer's message
marks the request as awaiting an answer and, when it answers «Требуются уточнения», moves it back
to «На рассмотрении» by the statuses' rules (transitions.py); the company's message answers it.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from aws_lambda_powertools import Logger

from functions.common import events
from functions.common.caller import Caller
from functions.common.clock import now
from functions.common.cursor import decode_cursor, encode_cursor
from functions.common.errors import Conflict, FieldError, NotFound
from functions.requests import idempotency, mails, transitions
from functions.requests.files import UploadStore
from functions.requests.ids import is_request_id, new_request_id
from functions.requests.inputs import CONSUMER_ACTOR, DOCUMENT_KIND_TITLES, CompanyMessage, NewMessage
from functions.requests.integration_views import IntegrationMessage, IntegrationRequestThread
from functions.requests.outputs import (
    AUTHOR_TITLES,
    Attachment,
    AttachmentLink,
    MessageAuthor,
    MessageSent,
    Thread,
    ThreadMessage,
)
from functions.requests.presentation import DOWNLOAD_LINK_SECONDS, for_integration
from functions.requests.records import EarlierClaim, IdempotencyClaim
from functions.requests.registry import STATUS_TITLES, RequestStatus
from functions.requests.store import (
    AlreadyAttached,
    AlreadyClaimed,
    Item,
    Key,
    RequestMoved,
    RequestStore,
    message_key,
    request_key,
    thread_prefix,
    user_key,
)
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

logger = Logger()

# A message's transaction that finds the request moved meanwhile (another status) reads it again
# and tries again this many times in all; then the consumer is asked to reload.
_ATTEMPTS = 3


@dataclass(frozen=True)
class _Posting:
    """What makes a message the same message: who posts it, under which key, with what payload."""

    owner: str  # whose uploads it may attach: a consumer's sub or the company
    author: MessageAuthor
    changed_by: str  # the actor the portal records: consumer or api-key:<id>
    claim: IdempotencyClaim
    message: NewMessage


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
        claim=idempotency.claim(idempotency.MESSAGE, owner, idempotency_key, message),
        message=message,
    )
    key = request_key(caller.user_id, request_id) if is_request_id(request_id) else None
    if key is None:
        raise NotFound("Заявка не найдена.")
    item, written = _post(posting, key)
    status = RequestStatus(item["status"])
    return MessageSent(message=_shown(written), status=status, status_title=STATUS_TITLES[status])


def post_company_message(
    request_id: str, message: CompanyMessage, idempotency_key: str | None, changed_by: str
) -> IntegrationMessage:
    """The company's message or document on a request, in any status: a closing act or an invoice
    may follow «Выполнена»."""
    posting = _Posting(
        owner=COMPANY_OWNER,
        author=MessageAuthor.COMPANY,
        changed_by=changed_by,
        claim=idempotency.claim(idempotency.MESSAGE, changed_by, idempotency_key, message),
        message=message,
    )
    key = RequestStore().key_of(request_id) if is_request_id(request_id) else None
    if key is None:
        raise NotFound("Заявка с таким id не найдена.")
    _, written = _post(posting, key)
    return _for_integration(written)


def _post(posting: _Posting, key: Key) -> tuple[Item, Item]:
    """Posts the message once per Idempotency-Key; returns the request (as it was before the
    message's own changes when it was posted before) and the message as written."""
    store = RequestStore()
    claim = posting.claim
    attachments = posting.message.attachments
    own = [upload for upload in attachments if is_own_upload(posting.owner, upload)]
    before = store.before_message(key, claim, own)
    if before.request is None:
        raise NotFound(
            "Заявка не найдена."
            if posting.author is MessageAuthor.CONSUMER
            else "Заявка с таким id не найдена."
        )
    if before.posted is not None:
        return before.request, _posted_before(store, claim, before.posted)
    request = before.request
    _check_open(posting, request)
    at = now()
    message_id = new_request_id(at)
    request_id = str(request["request_id"])
    uploads = UploadStore()
    checked = checked_uploads(posting.owner, uploads, attachments, before.attached)
    copies: list[str] = []
    try:
        files = make_copies(uploads, partial(message_file_key, request_id, message_id), checked, copies)
    except BaseException:
        discard(uploads, copies)
        raise
    message = _message_item(posting, request, message_id, at, files)
    try:
        request = _write(store, posting, key, request, message, claim)
    except AlreadyClaimed as posted:  # the same message, written meanwhile by a retry
        discard(uploads, copies)
        return request, _posted_before(store, claim, posted.earlier)
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
        extra={"request_id": request_id, "message_id": message_id, "author": posting.author.value},
    )
    _publish(posting, before.request, request, message)
    _mail(posting, request, message)
    return request, message


def _write(
    store: RequestStore, posting: _Posting, key: Key, request: Item, message: Item, claim: IdempotencyClaim
) -> Item:
    """Writes the message; returns the request as it is after it. A consumer's message written while
    the request moved is tried again on the request as it is now."""
    if posting.author is MessageAuthor.COMPANY:
        try:
            store.add_company_message(key, message, claim, posting.message.attachments)
        except RequestMoved:  # only a request that is gone fails the company's condition
            raise NotFound("Заявка с таким id не найдена.") from None
        return request
    for _ in range(_ATTEMPTS):
        current = RequestStatus(request["status"])
        move = transitions.consumer_move(current, str(message["at"]))
        try:
            store.add_consumer_message(key, current.value, message, claim, posting.message.attachments, move)
        except RequestMoved as moved:
            if not moved.item:
                raise NotFound("Заявка не найдена.") from None
            request = moved.item
            _check_open(posting, request)
            continue
        return {**request, "status": move.status, "status_changed_at": move.at} if move else request
    raise Conflict(
        "Статус заявки меняется",
        "Статус заявки сейчас меняется. Обновите страницу и отправьте сообщение ещё раз.",
    )


def _check_open(posting: _Posting, request: Item) -> None:
    status = RequestStatus(request["status"])
    if posting.author is MessageAuthor.CONSUMER and not transitions.is_open(status):
        raise Conflict(
            "Заявка закрыта",
            f"Заявка в статусе «{STATUS_TITLES[status]}» закрыта: сообщения по ней больше не принимаются. "
            "Если нужно, подайте новую заявку.",
        )


def _message_item(
    posting: _Posting, request: Item, message_id: str, at: datetime, files: list[Attachment]
) -> Item:
    item: Item = {
        **message_key(str(request["user_id"]), str(request["request_id"]), message_id),
        "message_id": message_id,  # no request_id: GSI ById must find the request alone
        "number": str(request["number"]),  # the request's: an upload's claim names it
        "author": posting.author.value,
        "changed_by": posting.changed_by,
        "text": posting.message.text,
        "attachments": [a.model_dump(exclude_none=True) for a in files],
        "at": at.isoformat(),
    }
    if isinstance(posting.message, CompanyMessage):
        if posting.message.kind:
            item["kind"] = posting.message.kind
        if posting.message.operator:
            item["operator"] = posting.message.operator
    return item


def _posted_before(store: RequestStore, claim: IdempotencyClaim, posted: EarlierClaim) -> Item:
    return idempotency.answer_again(
        idempotency.MESSAGE,
        claim,
        posted,
        lambda earlier: store.message(
            earlier.user_id, earlier.request_id, earlier.message_id or "", consistent=True
        ),
    )


def _discard_unless_written(
    store: RequestStore, uploads: UploadStore, message: Item, copies: list[str]
) -> None:
    """After an unexpected failure the message may have been written all the same: its copies are
    deleted only when it surely was not."""
    if not copies:
        return
    try:
        written = store.exists({"pk": str(message["pk"]), "sk": str(message["sk"])})
    except Exception:
        logger.exception("copies of a failed message kept: whether it was written is unknown")
        return
    if not written:
        discard(uploads, copies)


def _mail(posting: _Posting, request: Item, message: Item) -> None:
    """The company's message is mailed to the consumer; the consumer's answer to «Требуются
    уточнения» is mailed as the change of status it made."""
    number, request_id = str(request["number"]), str(request["request_id"])
    email = str(request["email"]) if request.get("email") else None
    if posting.author is MessageAuthor.COMPANY:
        kind = message.get("kind")
        title = DOCUMENT_KIND_TITLES[str(kind)] if kind else None
        mails.mail_consumer(email, *mails.company_message(number, title, str(message["text"]), request_id))
    elif request["status"] == RequestStatus.IN_REVIEW and _moved_by(request, message):
        mails.mail_consumer(email, *mails.status_changed(number, RequestStatus.IN_REVIEW, None, request_id))


def _publish(posting: _Posting, before: Item, request: Item, message: Item) -> None:
    """The message's event, with the change of status it made (an answer to «Требуются уточнения»)
    in the same call."""
    posted = events.RequestMessagePosted(
        request_id=str(request["request_id"]),
        number=str(request["number"]),
        message_id=str(message["message_id"]),
        author=posting.author.value,  # MessageAuthor's values
        attachments=len(message.get("attachments", [])),
        posted_at=events.at(str(message["at"])),
    )
    moved = request["status"] != before["status"] and _moved_by(request, message)
    if moved:
        events.publish(
            posted, transitions.status_changed(request, RequestStatus(before["status"]), "consumer")
        )
    else:
        events.publish(posted)


def _moved_by(request: Item, message: Item) -> bool:
    """Whether this message's transaction is what moved the request (its status changed then)."""
    return str(request.get("status_changed_at", "")) == str(message["at"])


# ---------------------------------------------------------------- reading


def _links(item: Item) -> list[AttachmentLink]:
    uploads = UploadStore()
    files = [Attachment.model_validate(a) for a in item.get("attachments", [])]
    return [
        AttachmentLink(
            filename=f.filename,
            content_type=f.content_type,
            size=f.size,
            url=uploads.download_url(f.key, f.filename, f.content_type, DOWNLOAD_LINK_SECONDS),
        )
        for f in files
    ]


def _fields(item: Item) -> dict[str, Any]:
    author = MessageAuthor(item["author"])
    kind = item.get("kind")
    return {
        "id": str(item["message_id"]),
        "author": author,
        "author_title": AUTHOR_TITLES[author],
        "text": str(item.get("text", "")),
        "kind": kind,
        "kind_title": DOCUMENT_KIND_TITLES[str(kind)] if kind else None,
        "attachments": _links(item),
        "at": datetime.fromisoformat(str(item["at"])),
    }


def _shown(item: Item) -> ThreadMessage:
    return ThreadMessage(**_fields(item))


def _for_integration(item: Item) -> IntegrationMessage:
    return IntegrationMessage(
        **_fields(item), changed_by=str(item["changed_by"]), operator=item.get("operator") or None
    )


def consumer_thread(caller: Caller, request_id: str, cursor: str | None, limit: int) -> Thread:
    """The consumer's thread of their own request, oldest first: one Query under their own key, so
    another consumer's request (or an unknown id) is an empty thread, like a request without messages."""
    if not is_request_id(request_id):
        raise NotFound("Заявка не найдена.")
    mine, prefix = user_key(caller.user_id), thread_prefix(request_id)
    start = (
        decode_cursor(
            cursor,
            lambda key: set(key) == {"pk", "sk"} and key["pk"] == mine and key["sk"].startswith(prefix),
        )
        if cursor
        else None
    )
    items, last = RequestStore().thread(caller.user_id, request_id, limit, start)
    return Thread(items=[_shown(item) for item in items], cursor=encode_cursor(last))


def integration_request(request_id: str) -> IntegrationRequestThread:
    """A request as the company's systems see it, with its whole thread."""
    store = RequestStore()
    key = store.key_of(request_id) if is_request_id(request_id) else None
    item = store.get_by_key(key) if key else None
    if key is None or item is None:
        raise NotFound("Заявка с таким id не найдена.")
    messages: list[IntegrationMessage] = []
    start: Key | None = None
    while True:
        page, last = store.thread(str(item["user_id"]), request_id, 100, start)
        messages += [_for_integration(message) for message in page]
        if last is None:
            break
        start = {"pk": str(last["pk"]), "sk": str(last["sk"])}
    return IntegrationRequestThread(**for_integration(item).model_dump(), messages=messages)
