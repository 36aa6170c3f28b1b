"""The records of the requests table: what its stores (store.py, thread_store.py) give and take
instead of items.

Services, presentation and the erasure work with these records; only the stores know the items' keys
and layouts. The conversion of an item into its record (`summary_of`, `request_of`, `message_of`) is
the one place that reads the items' attributes, and it reads every item the table may hold:

* items written by older code, without the attributes added since (a filed file's `upload`,
  `version_id` and `sha256`; a history entry's `operator` and `consumer_action`; a message's `kind`
  and `operator`; the sparse `awaiting_since`; a connection's `stages` and a history entry's `stage`):
  the record has their "none" instead; a request
  without the counter of its events (`event_seq`) counts the entries of its history instead, its
  filing's event and each change's before the events were numbered;
* a request whose consumer deleted the account: the erasure (functions/auth/erasure.py, 152-ФЗ
  ст. 21 ч. 5) removed its `email`, and the record says so with `email = None` — the request stays for
  the company's records, with nothing that names the person.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from functions.requests.vocabulary import MessageAuthor, RequestStatus, RequestType

T = TypeVar("T")
Item = Mapping[str, Any]


# ---------------------------------------------------------------- requests


@dataclass(frozen=True, kw_only=True)
class StoredAttachment:
    """A filed file as its request or message keeps it: `key` is the request's own copy (`requests/<id>/
    <n>`, or under `messages/<message id>/`), made from the very version (`version_id`) of the upload
    `upload` that was checked; size and type are the checked ones, `sha256` (hex) the copy's checksum
    computed by S3. Files filed before the copies were checked have no `upload`, `version_id`, `sha256`."""

    key: str
    filename: str
    content_type: str
    size: int
    upload: str | None = None
    version_id: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, kw_only=True)
class StoredHistoryEntry:
    """A change of a request's status as its history keeps it. `changed_by` is the actor the portal
    recorded (consumer, api-key:<id>; older entries may hold a name a client gave, or nothing: "");
    `consumer_action` marks the consumer's own changes («answered», «withdrew»), which only the portal
    writes."""

    status: RequestStatus
    at: datetime
    changed_by: str = ""
    operator: str | None = None
    comment: str | None = None
    consumer_action: str | None = None
    stage: str | None = None  # a connection's stage this entry marked (connection_procedure.py)


@dataclass(frozen=True, kw_only=True)
class StoredStageMark:
    """A stage of a connection's procedure marked done: its code, the day it was done (`on`, as the
    company gives it), when and by whom it was marked, and the company's message."""

    code: str
    on: date
    at: datetime
    by: str
    message: str | None = None


@dataclass(frozen=True, kw_only=True)
class StoredSummary:
    """What a consumer's list reads of a request (a projection of its item)."""

    request_id: str
    number: str
    type: RequestType
    status: RequestStatus
    created_at: datetime
    review_deadline: date


@dataclass(frozen=True, kw_only=True)
class StoredRequest(StoredSummary):
    """A request, whole. `email` is the consumer's address at filing, and None once the consumer
    deleted the account and it was erased (152-ФЗ): nothing is mailed for such a request.
    `awaiting_since` is the time of the oldest consumer's message the company has not answered.
    `event_seq` is the `sequence` of the request's latest event (functions/common/events.py): a
    change numbers its events on from it and moves it in its own transaction."""

    user_id: str
    email: str | None
    text: str
    fields: Mapping[str, Any]
    attachments: tuple[StoredAttachment, ...] = ()
    history: tuple[StoredHistoryEntry, ...] = ()
    status_changed_at: datetime
    updated_at: datetime
    awaiting_since: datetime | None = None
    event_seq: int = 0
    stages: tuple[StoredStageMark, ...] = ()
    outage_id: str | None = None  # the outage the company linked it to (functions/outages/)

    @property
    def erased(self) -> bool:
        """Whether the consumer's account was erased: the request no longer names the person."""
        return self.email is None


@dataclass(frozen=True, kw_only=True)
class Filing:
    """A request to be filed: the store numbers it and writes it, registered by `first` (the first
    entry of its history: its status, the time of filing and the consumer as the actor)."""

    request_id: str
    user_id: str
    email: str
    type: RequestType
    text: str
    fields: Mapping[str, Any]
    attachments: tuple[StoredAttachment, ...]
    review_deadline: date
    first: StoredHistoryEntry


@dataclass(frozen=True, kw_only=True)
class RequestRef:
    """Where a request is: its consumer and its id (what GSI ById gives for an id alone)."""

    user_id: str
    request_id: str


@dataclass(frozen=True, kw_only=True)
class StatusMove:
    """A change of status made in a write: from `expected` (the request must still be in it) by
    `entry` (appended to the history; its status and time become the request's)."""

    expected: RequestStatus
    entry: StoredHistoryEntry
    outage_id: str | None = None  # the outage the move links the request to

    @property
    def status(self) -> RequestStatus:
        return self.entry.status

    @property
    def at(self) -> datetime:
        return self.entry.at

    def applied(self, request: "StoredRequest", *, closes: bool = False) -> "StoredRequest":
        """`request` after the move: its status, its time and its history's new entry; a move that
        `closes` it ends its waiting for an answer."""
        return replace(
            request,
            status=self.status,
            status_changed_at=self.at,
            updated_at=self.at,
            history=(*request.history, self.entry),
            awaiting_since=None if closes else request.awaiting_since,
            outage_id=self.outage_id or request.outage_id,
        )


# ---------------------------------------------------------------- the conversation


@dataclass(frozen=True, kw_only=True)
class StoredMessage:
    """A message of a request's conversation, never changed once written: its request (`user_id`,
    `request_id`, and the request's `number`, which an upload's claim names), who wrote it (`author`,
    and the actor the portal records, `changed_by`), and a company's document `kind` and `operator`."""

    user_id: str
    request_id: str
    message_id: str
    number: str
    author: MessageAuthor
    changed_by: str
    text: str
    attachments: tuple[StoredAttachment, ...] = ()
    at: datetime
    kind: str | None = None
    operator: str | None = None


# ---------------------------------------------------------------- Idempotency-Keys and pages


class ClaimKind(StrEnum):
    """What an Idempotency-Key's claim makes: a request (filing) or a message of its conversation."""

    FILING = "filing"
    MESSAGE = "message"


@dataclass(frozen=True)
class IdempotencyClaim:
    """The once-ever claim of an Idempotency-Key (idempotency.py): whose key it is (`scope`: a
    consumer's sub or the company's `api-key:<id>`), the key's SHA-256 and the payload's."""

    kind: ClaimKind
    scope: str
    key_hash: str
    payload: str


@dataclass(frozen=True)
class EarlierClaim:
    """A claim found written: the payload's hash it was made with, and what it made — the request
    `request_id` of the consumer `user_id`, or a message of it (`message_id`)."""

    payload: str
    user_id: str
    request_id: str
    message_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class BeforeFiling:
    """What a filing reads before it copies any file: the year's counter, whether its
    Idempotency-Key filed a request already, and which of its uploads are attached already."""

    last: int
    filed: EarlierClaim | None
    attached: dict[str, str]  # upload key → the number of the request it is attached to


@dataclass(frozen=True, kw_only=True)
class BeforeMessage:
    """What a message reads before it copies any file: the request, whether its Idempotency-Key
    posted a message already, and which of its uploads are attached already."""

    request: StoredRequest | None
    posted: EarlierClaim | None
    attached: dict[str, str]  # upload key → the number of the request it is attached to


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of a list, and the cursor of the next one (None: it was the last)."""

    items: list[T] = field(default_factory=list)
    cursor: str | None = None


# ---------------------------------------------------------------- items → records


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _text(value: Any) -> str | None:
    """An optional attribute's text: None when it is missing or empty."""
    return str(value) if value not in (None, "") else None


def _attachments(values: Iterable[Item] | None) -> tuple[StoredAttachment, ...]:
    return tuple(
        StoredAttachment(
            key=str(value["key"]),
            filename=str(value["filename"]),
            content_type=str(value["content_type"]),
            size=int(value["size"]),
            upload=_text(value.get("upload")),
            version_id=_text(value.get("version_id")),
            sha256=_text(value.get("sha256")),
        )
        for value in values or ()
    )


def _entry(value: Item) -> StoredHistoryEntry:
    return StoredHistoryEntry(
        status=RequestStatus(value["status"]),
        at=_time(value["at"]),
        changed_by=str(value.get("changed_by") or ""),
        operator=_text(value.get("operator")),
        comment=_text(value.get("comment")),
        consumer_action=_text(value.get("consumer_action")),
        stage=_text(value.get("stage")),
    )


def _marks(values: Iterable[Item] | None) -> tuple[StoredStageMark, ...]:
    return tuple(
        StoredStageMark(
            code=str(value["code"]),
            on=date.fromisoformat(str(value["on"])),
            at=_time(value["at"]),
            by=str(value.get("by") or ""),
            message=_text(value.get("message")),
        )
        for value in values or ()
    )


def _summary_fields(item: Item) -> dict[str, Any]:
    return {
        "request_id": str(item["request_id"]),
        "number": str(item["number"]),
        "type": RequestType(item["type"]),
        "status": RequestStatus(item["status"]),
        "created_at": _time(item["created_at"]),
        "review_deadline": date.fromisoformat(str(item["review_deadline"])),
    }


def summary_of(item: Item) -> StoredSummary:
    """A request as a consumer's list reads it (the summary's attributes only)."""
    return StoredSummary(**_summary_fields(item))


def request_of(item: Item) -> StoredRequest:
    """A request's item as its record (see the module's docstring for the items it tolerates)."""
    updated_at = _time(item.get("updated_at") or item["created_at"])
    awaiting_since = item.get("awaiting_since")
    history = tuple(_entry(entry) for entry in item.get("history") or ())
    return StoredRequest(
        **_summary_fields(item),
        user_id=str(item["user_id"]),
        email=_text(item.get("email")),
        text=str(item.get("text") or ""),
        fields=dict(item.get("fields") or {}),
        attachments=_attachments(item.get("attachments")),
        history=history,
        status_changed_at=_time(item.get("status_changed_at") or updated_at.isoformat()),
        updated_at=updated_at,
        awaiting_since=_time(awaiting_since) if awaiting_since else None,
        event_seq=int(item.get("event_seq", len(history))),
        stages=_marks(item.get("stages")),
        outage_id=_text(item.get("outage_id")),
    )


def message_of(item: Item, user_id: str, request_id: str) -> StoredMessage:
    """A message's item as its record; its request's ids are its key's (the item carries no
    `request_id`, so that GSI ById finds the request alone)."""
    return StoredMessage(
        user_id=user_id,
        request_id=request_id,
        message_id=str(item["message_id"]),
        number=str(item.get("number") or ""),
        author=MessageAuthor(item["author"]),
        changed_by=str(item.get("changed_by") or ""),
        text=str(item.get("text") or ""),
        attachments=_attachments(item.get("attachments")),
        at=_time(item["at"]),
        kind=_text(item.get("kind")),
        operator=_text(item.get("operator")),
    )
