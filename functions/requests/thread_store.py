"""The conversation on a request in DynamoDB: the requests table's messages (their keys and layout
are store.py's, described there), each written in one transaction with its Idempotency-Key's claim,
its uploads' claims, the request's update and what the message owes (its outbox entry: its events,
numbered on from the request's counter, and its mail; store.py's `owed_by`), and a request's thread
read oldest first. Gives and takes records (records.py), never items.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.common.cursor import encode_cursor
from functions.common.dynamo import Table, cancellation_reasons
from functions.common.outbox import OutboxEntry, outbox_put
from functions.requests.records import (
    BeforeMessage,
    IdempotencyClaim,
    Page,
    RequestRef,
    StatusMove,
    StoredMessage,
    StoredRequest,
    message_of,
    request_of,
)
from functions.requests.settings import request_settings
from functions.requests.store import (
    AWAITING_CONSUMER,
    AlreadyClaimed,
    RequestMoved,
    claim_key,
    claims_found,
    cursor_start,
    entry_item,
    existing_claim,
    is_mine,
    message_item,
    message_key,
    owed_by,
    raise_if_attached,
    request_key,
    thread_prefix,
    upload_claim_key,
    upload_claims,
    user_key,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_WHOLE_THREAD_PAGE = 100  # messages per Query when a thread is read whole


__all__ = ["RequestMoved", "ThreadStore"]


class ThreadStore:
    def __init__(self) -> None:
        self._table = Table(request_settings().requests_table)

    # ------------------------------------------------------------ posting
    def before_message(
        self, ref: RequestRef, claim: IdempotencyClaim, uploads: Sequence[str]
    ) -> BeforeMessage:
        """One consistent BatchGetItem of the request, the Idempotency-Key's claim and the uploads'
        claims (the transaction checks them again: this read spares copying files for nothing)."""
        key = request_key(ref.user_id, ref.request_id)
        keys = [key, claim_key(claim), *(upload_claim_key(u) for u in uploads)]
        found, posted, attached = claims_found(
            self._table.batch_get(keys, consistent=True), key, claim, uploads
        )
        return BeforeMessage(
            request=request_of(found) if found is not None else None, posted=posted, attached=attached
        )

    def add_consumer_message(
        self,
        message: StoredMessage,
        request: StoredRequest,
        claim: IdempotencyClaim,
        uploads: Sequence[str],
        move: StatusMove | None,
        owed: OutboxEntry,
    ) -> StoredRequest:
        """Writes the consumer's message in one transaction with its claims and what it owes, while
        the request is still as read (`request`: its status, counter and address): the request now
        awaits an answer (since its oldest unanswered message) and, with `move`, changes its status.
        Returns the request after it."""
        at = message.at.isoformat()
        counted, pinned, values = owed_by(request, owed)
        expression = (
            "SET updated_at = :at, awaiting_answer = :awaiting, "
            f"awaiting_since = if_not_exists(awaiting_since, :at), {counted}"
        )
        values.update({":at": at, ":awaiting": AWAITING_CONSUMER, ":expected": request.status.value})
        if move is not None:
            expression += (
                ", #status = :status, status_changed_at = :at, history = list_append(history, :entry)"
            )
            values.update({":status": move.status.value, ":entry": [entry_item(move.entry)]})
        update = self._table.update_action(
            request_key(message.user_id, message.request_id),
            expression,
            condition=f"#status = :expected AND {pinned}",
            names={"#status": "status"},
            values=values,
            old_on_failure=True,
        )
        self._add_message(message, claim, uploads, update, owed)
        after = move.applied(request) if move is not None else request
        return replace(
            after,
            updated_at=message.at,
            awaiting_since=request.awaiting_since or message.at,
            event_seq=int(values[":seq"]),
        )

    def add_company_message(
        self,
        message: StoredMessage,
        request: StoredRequest,
        claim: IdempotencyClaim,
        uploads: Sequence[str],
        owed: OutboxEntry,
    ) -> StoredRequest:
        """Writes the company's message in one transaction with its claims and what it owes, while
        the request's counter and address are as read (`request`): it answers whatever the consumer
        wrote before (the request leaves AwaitingAnswer). Returns the request after it."""
        counted, pinned, values = owed_by(request, owed)
        update = self._table.update_action(
            request_key(message.user_id, message.request_id),
            f"SET updated_at = :at, {counted} REMOVE awaiting_answer, awaiting_since",
            condition=f"attribute_exists(pk) AND {pinned}",
            values={**values, ":at": message.at.isoformat()},
            old_on_failure=True,
        )
        self._add_message(message, claim, uploads, update, owed)
        return replace(request, updated_at=message.at, awaiting_since=None, event_seq=int(values[":seq"]))

    def _add_message(
        self,
        message: StoredMessage,
        claim: IdempotencyClaim,
        uploads: Sequence[str],
        update: "TransactWriteItemTypeDef",
        owed: OutboxEntry,
    ) -> None:
        key = message_key(message.user_id, message.request_id, message.message_id)
        try:
            self._table.transact(
                [
                    update,
                    self._table.put_action(message_item(message), condition="attribute_not_exists(pk)"),
                    self._table.put_action(
                        {
                            **claim_key(claim),
                            "payload": claim.payload,
                            "message_pk": key["pk"],
                            "message_sk": key["sk"],
                        },
                        condition="attribute_not_exists(pk)",
                        old_on_failure=True,
                    ),
                    *upload_claims(self._table, uploads, message.number, key["sk"]),
                    outbox_put(owed),
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons is None:
                raise
            old = existing_claim(reasons, claim)
            if old is not None and old.message_id == message.message_id:
                return  # a retried call whose first attempt was written
            if old is not None:
                raise AlreadyClaimed(old) from None
            raise_if_attached(reasons, uploads)
            if reasons and reasons[0].code == "ConditionalCheckFailed":
                now = reasons[0].item
                raise RequestMoved(request_of(now) if now else None) from None
            raise

    # ------------------------------------------------------------ reading
    def message(
        self, user_id: str, request_id: str, message_id: str, consistent: bool = False
    ) -> StoredMessage | None:
        item = self._table.get(message_key(user_id, request_id, message_id), consistent=consistent)
        return message_of(item, user_id, request_id) if item is not None else None

    def is_posted(self, message: StoredMessage) -> bool:
        """Whether the message is written (a consistent read: right after a write that may have failed)."""
        key = message_key(message.user_id, message.request_id, message.message_id)
        return self._table.get(key, consistent=True, projection="pk") is not None

    def thread(self, user_id: str, request_id: str, limit: int, cursor: str | None) -> Page[StoredMessage]:
        """A page of the request's messages, oldest first: one Query under the owner's key (another
        consumer's request is an empty thread). The cursor must be a key of this request's thread
        under the same key."""
        prefix = thread_prefix(request_id)
        start = cursor_start(cursor, lambda key: is_mine(user_id, key) and key["sk"].startswith(prefix))
        items, last = self._page(user_id, request_id, limit, start)
        return Page([message_of(item, user_id, request_id) for item in items], encode_cursor(last))

    def whole_thread(self, user_id: str, request_id: str) -> list[StoredMessage]:
        """Every message of the request, oldest first: a Query per page of 100."""
        messages: list[StoredMessage] = []
        start: Mapping[str, Any] | None = None
        while True:
            items, start = self._page(user_id, request_id, _WHOLE_THREAD_PAGE, start)
            messages += [message_of(item, user_id, request_id) for item in items]
            if start is None:
                return messages

    def _page(
        self, user_id: str, request_id: str, limit: int, start: Mapping[str, Any] | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        page = self._table.query(
            "pk = :pk AND begins_with(sk, :prefix)",
            {":pk": user_key(user_id), ":prefix": thread_prefix(request_id)},
            limit=limit,
            start=start,
        )
        return page.items, page.last_key
