"""Service requests in DynamoDB: the only place (with thread_store.py, the conversation's part) that
knows the table's items. It gives and takes records (records.py), never items: their keys, their
layout, the cursors of their lists and whose cursor is whose are its own.

One table, keyed for the ways it is read:

* a request: `pk = USER#<sub>`, `sk = REQUEST#<id>`; the id is time-ordered (a ULID), so a consumer's
  requests newest first are one Query, and a request's detail is one GetItem under the caller's own
  key (another consumer's id simply is not there). An erased consumer's request (152-ФЗ ст. 21 ч. 5,
  functions/auth/erasure.py) has no `email`: its record's is None. `event_seq` counts the request's
  events (their `sequence`, functions/common/events.py);
* the yearly number counter: `pk = COUNTER#<year>`, `sk = REQUEST_NUMBER`, attribute `last`;
* GSI `ByStatus` (`status`, `status_changed_at`): the company's systems list a status by time;
* GSI `ById` (`request_id`, keys only): the company's systems address a request by its id alone;
* the claim of an Idempotency-Key (idempotency.py): `pk = IDEMPOTENCY#<scope>#<key hash>` (the scope
  is the consumer's sub, or the company's api-key:<id>), `sk = CLAIM` for a filing (the payload's
  hash and the request it filed, `claimed_by`) or `MESSAGE` for a message (the payload's hash and the
  message's key), written in the transaction of what it makes, once ever;
* an upload attached to a request: `pk = UPLOAD#<upload key>`, `sk = ATTACHED`, written with the
  request in its transaction, once ever: no upload is attached to two requests (nor to two messages);
* a message of a request's conversation: `pk = USER#<sub>` (the request's owner), `sk =
  THREAD#<request id>#<message id>` (time-ordered): a thread oldest first is one Query under the
  caller's own key, apart from the requests (whose list reads `REQUEST#` only). Written in one
  transaction with its Idempotency-Key's claim, its uploads' claims and the request's update: its
  status, when the consumer answers «Требуются уточнения», and the sparse `awaiting_answer`/
  `awaiting_since` pair, set while a consumer's message is unanswered, removed by the company's
  message or when the request closes (thread_store.py);
* GSI `AwaitingAnswer` (`awaiting_answer`, `awaiting_since`), sparse: the requests whose consumer
  waits for an answer, the longest waiting first.

A list's cursor (common/cursor.py) is the page's last key; a cursor sent back is taken only when it is
a key of the same list of the same caller (the consumer's own requests, the same status, the same
request's thread): anything else is a 422 on `cursor` before any read.

A change of a request (a filing, a change of status, a message) writes what it owes, an outbox entry
(functions/common/outbox.py), in its own transaction. The entry's events are numbered on from the
request's `event_seq` as read; the update moves the counter past them if the counter and the address
are still as read (`owed_by`): two changes never give two events one number.

The uploads bucket is `files.py`'s; the requests' ids are `ids.py`'s.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.common.backoff import Backoff
from functions.common.cursor import decode_cursor, encode_cursor
from functions.common.dynamo import Reason, Table, Unread, cancellation_reasons
from functions.common.outbox import OutboxEntry, outbox_put
from functions.requests.ids import is_request_id
from functions.requests.records import (
    BeforeFiling,
    ClaimKind,
    EarlierClaim,
    Filing,
    IdempotencyClaim,
    Page,
    RequestRef,
    StatusMove,
    StoredAttachment,
    StoredHistoryEntry,
    StoredMessage,
    StoredRequest,
    StoredSummary,
    request_of,
    summary_of,
)
from functions.requests.retention import expires_on_closing
from functions.requests.settings import request_settings
from functions.requests.vocabulary import RequestStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

REQUEST_PREFIX = "REQUEST#"
USER_PREFIX = "USER#"
UPLOAD_PREFIX = "UPLOAD#"
THREAD_PREFIX = "THREAD#"
AWAITING_INDEX = "AwaitingAnswer"
AWAITING_CONSUMER = "consumer"  # the one value of `awaiting_answer`: the consumer's message waits
# A consumer's list reads the summary only: the history and fields stay in the item.
_SUMMARY = "request_id, #number, #type, #status, created_at, review_deadline"
# How long a filing keeps trying for its number while others win the counter: well inside the
# API functions' 15 s Timeout (template.yaml, Globals), so a burst is answered late rather than 503.
_NUMBERING_BUDGET_S = 10.0
# The waits between tries once the winner's value is not reused (common/backoff.py): full jitter
# from 40 ms, doubling, at most 3 s each.
_NUMBERING_FIRST_WAIT_S, _NUMBERING_CAP_S = 0.04, 3.0

Item = dict[str, Any]
Key = dict[str, str]

# ---------------------------------------------------------------- keys


def user_key(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def request_key(user_id: str, request_id: str) -> Key:
    return {"pk": user_key(user_id), "sk": f"{REQUEST_PREFIX}{request_id}"}


def upload_claim_key(upload_key: str) -> Key:
    return {"pk": f"{UPLOAD_PREFIX}{upload_key}", "sk": "ATTACHED"}


def thread_prefix(request_id: str) -> str:
    return f"{THREAD_PREFIX}{request_id}#"


def message_key(user_id: str, request_id: str, message_id: str) -> Key:
    return {"pk": user_key(user_id), "sk": f"{thread_prefix(request_id)}{message_id}"}


def counter_key(year: int) -> Key:
    return {"pk": f"COUNTER#{year}", "sk": "REQUEST_NUMBER"}


_CLAIM_SK = {ClaimKind.FILING: "CLAIM", ClaimKind.MESSAGE: "MESSAGE"}


def claim_key(claim: IdempotencyClaim) -> Key:
    """Where an Idempotency-Key's claim is: per scope (a consumer's sub, the company's api-key:<id>)
    and key hash, one item for a filing and one for a message."""
    return {"pk": f"IDEMPOTENCY#{claim.scope}#{claim.key_hash}", "sk": _CLAIM_SK[claim.kind]}


def number_of(year: int, sequence: int) -> str:
    """A request's number: the year and its place in the year, `2026-000123`."""
    return f"{year}-{sequence:06d}"


# ---------------------------------------------------------------- records → items


def attachment_item(attachment: StoredAttachment) -> Item:
    return {name: value for name, value in asdict(attachment).items() if value is not None}


def entry_item(entry: StoredHistoryEntry) -> Item:
    item: Item = {"status": entry.status.value, "at": entry.at.isoformat(), "changed_by": entry.changed_by}
    for name in ("operator", "comment", "consumer_action", "stage"):
        if getattr(entry, name):
            item[name] = getattr(entry, name)
    return item


def _request_item(filing: Filing, number: str) -> Item:
    at = filing.first.at.isoformat()
    return {
        **request_key(filing.user_id, filing.request_id),
        "request_id": filing.request_id,
        "user_id": filing.user_id,
        "email": filing.email,
        "number": number,
        "type": filing.type.value,
        "text": filing.text,
        "fields": dict(filing.fields),
        "attachments": [attachment_item(a) for a in filing.attachments],
        "status": filing.first.status.value,
        "status_changed_at": at,
        "created_at": at,
        "updated_at": at,
        "review_deadline": filing.review_deadline.isoformat(),
        "history": [entry_item(filing.first)],
        "event_seq": 0,  # none of its events yet: its filing's are counted as it is written
    }


def message_item(message: StoredMessage) -> Item:
    item: Item = {
        **message_key(message.user_id, message.request_id, message.message_id),
        "message_id": message.message_id,  # no request_id: GSI ById must find the request alone
        "number": message.number,  # the request's: an upload's claim names it
        "author": message.author.value,
        "changed_by": message.changed_by,
        "text": message.text,
        "attachments": [attachment_item(a) for a in message.attachments],
        "at": message.at.isoformat(),
    }
    if message.kind:
        item["kind"] = message.kind
    if message.operator:
        item["operator"] = message.operator
    return item


# ---------------------------------------------------------------- claims found in reads and refusals


def _earlier_claim(claim: IdempotencyClaim, item: Item) -> EarlierClaim:
    """The claim `item` as written before: its payload's hash and what it made (a filing's claim names
    the request's sort key, a message's the message's key)."""
    payload = str(item.get("payload", ""))
    if claim.kind is ClaimKind.FILING:
        request_id = str(item.get("claimed_by", "")).removeprefix(REQUEST_PREFIX)
        return EarlierClaim(payload, claim.scope, request_id)
    owner = str(item.get("message_pk", "")).removeprefix(USER_PREFIX)
    request_id, _, message_id = str(item.get("message_sk", "")).removeprefix(THREAD_PREFIX).partition("#")
    return EarlierClaim(payload, owner, request_id, message_id)


def claims_found(
    found: Sequence[Item], key: Key, claim: IdempotencyClaim, uploads: Sequence[str]
) -> tuple[Item | None, EarlierClaim | None, dict[str, str]]:
    """What a BatchGetItem of `key`, an Idempotency-Key's claim and uploads' claims found: the item of
    `key`, the claim written before, and the uploads attached already (upload key → the number of the
    request they are attached to)."""
    by_key = {(str(item["pk"]), str(item["sk"])): item for item in found}

    def at(wanted: Key) -> Item | None:
        return by_key.get((wanted["pk"], wanted["sk"]))

    old = at(claim_key(claim))
    attached = {}
    for upload in uploads:
        upload_claim = at(upload_claim_key(upload))
        if upload_claim is not None:
            attached[upload] = str(upload_claim.get("number", ""))
    return at(key), _earlier_claim(claim, old) if old is not None else None, attached


def existing_claim(reasons: list[Reason], claim: IdempotencyClaim) -> EarlierClaim | None:
    """The Idempotency-Key's claim that cancelled the transaction, if it was that: the reason whose
    item (returned on the failed condition) has the claim's key, wherever it stands."""
    key = claim_key(claim)
    for reason in reasons:
        old = reason.item
        claims_key = (old.get("pk"), old.get("sk")) == (key["pk"], key["sk"])
        if reason.code == "ConditionalCheckFailed" and claims_key:
            return _earlier_claim(claim, old)
    return None


def raise_if_attached(reasons: list[Reason], uploads: Sequence[str]) -> None:
    """The uploads whose claims (found by their keys, not by their places) cancelled the transaction."""
    claimed = {upload_claim_key(upload)["pk"]: upload for upload in uploads}
    numbers: dict[str, str] = {}
    for reason in reasons:
        upload = claimed.get(str(reason.item.get("pk", "")))
        if reason.code == "ConditionalCheckFailed" and upload is not None:
            numbers[upload] = str(reason.item.get("number", ""))
    if numbers:
        raise AlreadyAttached(numbers)


def upload_claims(
    table: Table, uploads: Sequence[str], number: str, sk: str
) -> list["TransactWriteItemTypeDef"]:
    """The once-ever claim of each upload by the request or message `sk`, for its transaction."""
    return [
        table.put_action(
            {**upload_claim_key(upload), "attached_to": sk, "number": number},
            condition="attribute_not_exists(pk)",
            old_on_failure=True,
        )
        for upload in uploads
    ]


# ---------------------------------------------------------------- the stores' signals


class AlreadyClaimed(Exception):
    """The Idempotency-Key was claimed before: `earlier` is its claim (payload hash, what it made)."""

    def __init__(self, earlier: EarlierClaim) -> None:
        super().__init__(earlier.message_id or earlier.request_id)
        self.earlier = earlier


class AlreadyAttached(Exception):
    """Uploads that are attached to a request already: upload key → that request's number."""

    def __init__(self, numbers: dict[str, str]) -> None:
        super().__init__(", ".join(numbers))
        self.numbers = numbers


class NumberingBusy(Exception):
    """The year's counter stayed contended (or the reads throttled) through every attempt: nothing
    was written, the filing may be sent again."""


class StatusChanged(Exception):
    """The request left the status the change was made from (someone else moved it first)."""


class RequestMoved(Exception):
    """A change's transaction found the request other than it was read (its status, the counter of
    its events, its address): `request` is the request as it is now (None when it is gone)."""

    def __init__(self, request: StoredRequest | None) -> None:
        super().__init__("request changed")
        self.request = request


def owed_by(request: StoredRequest, owed: OutboxEntry) -> tuple[str, str, dict[str, Any]]:
    """What a change of `request` (as read) owing `owed` adds to its update: the counter SET past the
    entry's events, the condition that the counter (of an older item: none, records.py) and the address
    are as read, and their values."""
    values: dict[str, Any] = {":seq": request.event_seq + len(owed.events), ":seen": request.event_seq}
    condition = "(attribute_not_exists(event_seq) OR event_seq = :seen)"
    if request.email is None:
        condition += " AND attribute_not_exists(email)"
    else:
        condition += " AND email = :email"
        values[":email"] = request.email
    return "event_seq = :seq", condition, values


# ---------------------------------------------------------------- cursors


def is_mine(user_id: str, key: Mapping[str, str]) -> bool:
    """Whether a cursor's key is a table key under the consumer's own partition."""
    return set(key) == {"pk", "sk"} and key["pk"] == user_key(user_id)


def cursor_start(cursor: str | None, belongs: Callable[[Key], bool]) -> Key | None:
    """The key a page starts after: none without a cursor, else the cursor's if it `belongs` to
    the list asked for (a 422 on `cursor` otherwise, common/cursor.py)."""
    return decode_cursor(cursor, belongs) if cursor else None


class RequestStore:
    def __init__(self) -> None:
        self._table = Table(request_settings().requests_table)

    # ------------------------------------------------------------ creation with a gap-free number
    def before_filing(self, year: int, claim: IdempotencyClaim, uploads: Sequence[str]) -> BeforeFiling:
        """One consistent BatchGetItem of the year's counter, the Idempotency-Key's claim and the
        uploads' claims: a filing that was made already, or an upload attached already, is answered
        before any file is copied. (The transaction checks both again: this read only spares work.)"""
        counter = counter_key(year)
        keys = [counter, claim_key(claim), *(upload_claim_key(u) for u in uploads)]
        try:
            found = self._table.batch_get(keys, consistent=True)
        except Unread:
            raise NumberingBusy from None
        counted, filed, attached = claims_found(found, counter, claim, uploads)
        return BeforeFiling(last=int(str((counted or {}).get("last", 0))), filed=filed, attached=attached)

    def create_numbered(
        self,
        year: int,
        filing: Filing,
        claim: IdempotencyClaim,
        owing: Callable[[StoredRequest], OutboxEntry],
        uploads: Sequence[str] = (),
        last: int | None = None,
    ) -> StoredRequest:
        """Writes the request `filing`, numbered next in `year`; returns it as written.

        The counter's increment and the request's put are one transaction whose counter update is
        conditional on the value the number was derived from: either both happen or neither, so
        a failed write leaves no gap and two writers never get the same number. A writer that lost
        the race reads the winning value from the cancellation and tries the next number.

        `claim` (the caller's Idempotency-Key and payload hash) is put in the same transaction, once
        ever: if it exists, the request was filed already and `AlreadyClaimed` names it. So is the
        claim of each upload in `uploads`: if one exists, that upload is attached already
        (`AlreadyAttached`).

        What the filing owes, `owing(request)` of the request as it is about to be written (its
        number is known then; its `event_seq` 0), is written in the same transaction: one outbox
        entry per number tried, and only the written one is ever in the table.

        `last` is the counter as read before (`before_filing`); without it, it is read here.
        """
        counter = counter_key(year)
        if last is None:
            last = self._counter_value(counter)
        # Read here, not bound at import: a test shortens it.
        waits = Backoff(first=_NUMBERING_FIRST_WAIT_S, cap=_NUMBERING_CAP_S, budget=_NUMBERING_BUDGET_S)
        attempt = 0
        while not waits.expired():
            attempt += 1
            number = number_of(year, last + 1)
            item = _request_item(filing, number)
            owed = owing(request_of(item))
            item["event_seq"] = len(owed.events)
            sk = request_key(filing.user_id, filing.request_id)["sk"]
            try:
                self._table.transact(
                    [
                        self._counter_increment(counter, last),
                        self._table.put_action(item, condition="attribute_not_exists(pk)"),
                        self._table.put_action(
                            {**claim_key(claim), "payload": claim.payload, "claimed_by": sk},
                            condition="attribute_not_exists(pk)",
                            old_on_failure=True,
                        ),
                        *upload_claims(self._table, uploads, number, sk),
                        outbox_put(owed),
                    ]
                )
                return request_of(item)
            except ClientError as error:
                reasons = cancellation_reasons(error)
                if reasons is None:
                    raise
                old = existing_claim(reasons, claim)
                if old is not None and old.request_id == filing.request_id:
                    return request_of(item)  # a retried call whose first attempt was written: filed
                if old is not None:
                    raise AlreadyClaimed(old) from None
                raise_if_attached(reasons, uploads)
                winning = self._winning_value(reasons, counter, attempt, waits)
                if winning is None:
                    break
                last = winning
        raise NumberingBusy

    def _counter_increment(self, counter: Key, last: int) -> "TransactWriteItemTypeDef":
        """The counter's increment, conditional on the value the number was derived from."""
        return self._table.update_action(
            counter,
            "ADD #last :one",
            condition="attribute_not_exists(#last)" if last == 0 else "#last = :last",
            names={"#last": "last"},
            values={":one": 1} if last == 0 else {":one": 1, ":last": last},
            old_on_failure=True,
        )

    def is_filed(self, user_id: str, request_id: str) -> bool:
        """Whether the request is written (a consistent read: right after a write that may have failed)."""
        return self._table.get(request_key(user_id, request_id), consistent=True, projection="pk") is not None

    def _winning_value(self, reasons: list[Reason], counter: Key, attempt: int, waits: Backoff) -> int | None:
        """The counter to try next after a lost try (None: no time is left). The first time, the
        winner's value from the cancellation (no wait: two writers meet often and sort it out at
        once). After that, a burst is under way: wait a random moment, wider each time (full
        jitter, as AWS's architecture blog "Exponential Backoff And Jitter" measures for optimistic
        concurrency), then read the counter afresh: writers spread out instead of colliding again
        all at once."""
        first = reasons[0] if reasons else Reason("")
        if attempt == 1 and first.code == "ConditionalCheckFailed" and "last" in first.item:
            return int(first.item["last"])
        if not waits.wait():
            return None
        return self._counter_value(counter)

    def _counter_value(self, counter: Key) -> int:
        found = self._table.get(counter, consistent=True) or {}
        return int(str(found.get("last", 0)))

    # ------------------------------------------------------------ a consumer's reads
    def get(self, user_id: str, request_id: str, consistent: bool = False) -> StoredRequest | None:
        """The request `request_id` of the consumer `user_id` (another's id simply is not there)."""
        item = self._table.get(request_key(user_id, request_id), consistent=consistent)
        return request_of(item) if item is not None else None

    def page_for_user(self, user_id: str, limit: int, cursor: str | None) -> Page[StoredSummary]:
        """A page of the consumer's requests, newest first: their summaries only, one Query. The
        cursor must be a key of this consumer's requests."""
        start = cursor_start(
            cursor,
            lambda key: (
                is_mine(user_id, key)
                and key["sk"].startswith(REQUEST_PREFIX)
                and is_request_id(key["sk"].removeprefix(REQUEST_PREFIX))
            ),
        )
        page = self._table.query(
            "pk = :pk AND begins_with(sk, :prefix)",
            {":pk": user_key(user_id), ":prefix": REQUEST_PREFIX},
            names={"#number": "number", "#type": "type", "#status": "status"},
            projection=_SUMMARY,
            newest_first=True,
            limit=limit,
            start=start,
        )
        return Page([summary_of(item) for item in page.items], encode_cursor(page.last_key))

    def all_for_user(self, user_id: str) -> Iterator[StoredRequest]:
        """Every request of the consumer, whole (history included), oldest first: a Query per 1 MB
        (the consumer's data export, 152-ФЗ ст. 14)."""
        items = self._table.query_all(
            "pk = :pk AND begins_with(sk, :prefix)", {":pk": user_key(user_id), ":prefix": REQUEST_PREFIX}
        )
        return (request_of(item) for item in items)

    # ------------------------------------------------------------ the company's systems
    def find(self, request_id: str) -> RequestRef | None:
        """Where the request `request_id` is, whoever's it is (GSI ById, keys only)."""
        found = self._table.query("request_id = :id", {":id": request_id}, index="ById", limit=1).items
        if not found:
            return None
        user_id = str(found[0]["pk"]).removeprefix(USER_PREFIX)
        return RequestRef(user_id=user_id, request_id=str(found[0]["sk"]).removeprefix(REQUEST_PREFIX))

    def by_status(
        self, status: RequestStatus, since: datetime | None, limit: int, cursor: str | None
    ) -> Page[StoredRequest]:
        """The requests that moved to `status` (since `since`), in the order they moved (GSI
        ByStatus). The cursor must be a key of the same status's list."""
        start = cursor_start(
            cursor,
            lambda key: set(key) == {"pk", "sk", "status", "status_changed_at"} and key["status"] == status,
        )
        condition = "#status = :status"
        values: dict[str, Any] = {":status": status.value}
        if since:
            condition += " AND status_changed_at >= :since"
            values[":since"] = _stored_time(since)
        page = self._table.query(
            condition, values, names={"#status": "status"}, index="ByStatus", limit=limit, start=start
        )
        return Page([request_of(item) for item in page.items], encode_cursor(page.last_key))

    def awaiting_answer(self, since: datetime | None, limit: int, cursor: str | None) -> Page[StoredRequest]:
        """The requests whose consumer awaits an answer, the longest waiting first (sparse GSI). The
        cursor must be a key of this list."""
        start = cursor_start(
            cursor,
            lambda key: (
                set(key) == {"pk", "sk", "awaiting_answer", "awaiting_since"}
                and key["awaiting_answer"] == AWAITING_CONSUMER
            ),
        )
        condition = "awaiting_answer = :awaiting"
        values: dict[str, Any] = {":awaiting": AWAITING_CONSUMER}
        if since:
            condition += " AND awaiting_since >= :since"
            values[":since"] = _stored_time(since)
        page = self._table.query(condition, values, index=AWAITING_INDEX, limit=limit, start=start)
        return Page([request_of(item) for item in page.items], encode_cursor(page.last_key))

    def change_status(
        self, request: StoredRequest, move: StatusMove, closes: bool, owed: OutboxEntry
    ) -> StoredRequest:
        """Moves `request` (as read) by `move`, with what it owes (`owed_by`) in one transaction; one
        that `closes` it ends its waiting for an answer (AwaitingAnswer's attributes go). StatusChanged
        when it left `move.expected` (or is gone); RequestMoved when only its counter or address did."""
        counted, pinned, values = owed_by(request, owed)
        expression = (
            "SET #status = :status, status_changed_at = :at, updated_at = :at, "
            f"history = list_append(history, :entry), {counted}"
        )
        if move.outage_id is not None:
            expression += ", outage_id = :outage"
            values = {**values, ":outage": move.outage_id}
        if closes:  # a closed request is kept as long as the retention table says (retention.py)
            expression += ", expires_at = :expires"
            values = {**values, ":expires": expires_on_closing(request.type, request.stages, move.at)}
        update = self._table.update_action(
            request_key(request.user_id, request.request_id),
            f"{expression} REMOVE awaiting_answer, awaiting_since" if closes else expression,
            condition=f"#status = :expected AND {pinned}",
            names={"#status": "status"},
            values={
                **values,
                ":status": move.status.value,
                ":at": move.at.isoformat(),
                ":entry": [entry_item(move.entry)],
                ":expected": move.expected.value,
            },
            old_on_failure=True,
        )
        try:
            self._table.transact([update, outbox_put(owed)])
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not reasons or reasons[0].code != "ConditionalCheckFailed":
                raise
            now = reasons[0].item
            if not now or now.get("status") != move.expected.value:
                raise StatusChanged from error
            raise RequestMoved(request_of(now)) from None
        return replace(move.applied(request, closes=closes), event_seq=int(values[":seq"]))


def _stored_time(moment: datetime) -> str:
    """Stored times are ISO 8601 in UTC and compared as strings: a bound (always with its zone, the
    API refuses one without) is written the same way."""
    return moment.astimezone(UTC).isoformat()
