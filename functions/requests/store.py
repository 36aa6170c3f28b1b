"""Service requests in DynamoDB: the only place that knows the table's items.

One table, keyed for the ways it is read:

* a request: `pk = USER#<sub>`, `sk = REQUEST#<id>`; the id is time-ordered (a ULID), so a consumer's
  requests newest first are one Query, and a request's detail is one GetItem under the caller's own
  key (another consumer's id simply is not there);
* the yearly number counter: `pk = COUNTER#<year>`, `sk = REQUEST_NUMBER`, attribute `last`;
* GSI `ByStatus` (`status`, `status_changed_at`): the company's systems list a status by time;
* GSI `ById` (`request_id`, keys only): the company's systems address a request by its id alone;
* the claim of an Idempotency-Key: `pk = IDEMPOTENCY#<sub>#<key hash>`, `sk = CLAIM` (the payload's
  hash and the request it filed), written with the request in its transaction, once ever;
* an upload attached to a request: `pk = UPLOAD#<upload key>`, `sk = ATTACHED`, written with the
  request in its transaction, once ever: no upload is attached to two requests (nor to two messages);
* a message of a request's conversation: `pk = USER#<sub>` (the request's owner), `sk =
  THREAD#<request id>#<message id>` (time-ordered): a thread oldest first is one Query under the
  caller's own key, apart from the requests (whose list reads `REQUEST#` only). Written in one
  transaction with its Idempotency-Key's claim (`IDEMPOTENCY#<scope>#<key hash>` / `MESSAGE`; the
  scope is the consumer's sub, or the company's api-key:<id>), its uploads' claims and the
  request's update: its status, when the consumer answers «Требуются уточнения», and the sparse
  `awaiting_answer`/`awaiting_since` pair, set while a consumer's message is unanswered, removed by
  the company's message or when the request closes;
* GSI `AwaitingAnswer` (`awaiting_answer`, `awaiting_since`), sparse: the requests whose consumer
  waits for an answer, the longest waiting first.

The uploads bucket is `files.py`'s; the requests' ids are `ids.py`'s.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.common.backoff import Backoff
from functions.common.dynamo import Reason, Table, Unread, cancellation_reasons, condition_failed
from functions.requests.records import ClaimKind, EarlierClaim, IdempotencyClaim
from functions.requests.settings import request_settings

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


@dataclass(frozen=True)
class BeforeFiling:
    """What a filing reads before it copies any file: the year's counter, whether its
    Idempotency-Key filed a request already, and which of its uploads are attached already."""

    last: int
    filed: EarlierClaim | None
    attached: dict[str, str]  # upload key → the number of the request it is attached to


def _existing_claim(reasons: list[Reason], claim: IdempotencyClaim) -> EarlierClaim | None:
    """The Idempotency-Key's claim that cancelled the transaction, if it was that: the reason whose
    item (returned on the failed condition) has the claim's key, wherever it stands."""
    key = claim_key(claim)
    for reason in reasons:
        old = reason.item
        claims_key = (old.get("pk"), old.get("sk")) == (key["pk"], key["sk"])
        if reason.code == "ConditionalCheckFailed" and claims_key:
            return _earlier_claim(claim, old)
    return None


def _raise_if_attached(reasons: list[Reason], uploads: Sequence[str]) -> None:
    """The uploads whose claims (found by their keys, not by their places) cancelled the transaction."""
    claimed = {upload_claim_key(upload)["pk"]: upload for upload in uploads}
    numbers: dict[str, str] = {}
    for reason in reasons:
        upload = claimed.get(str(reason.item.get("pk", "")))
        if reason.code == "ConditionalCheckFailed" and upload is not None:
            numbers[upload] = str(reason.item.get("number", ""))
    if numbers:
        raise AlreadyAttached(numbers)


class NumberingBusy(Exception):
    """The year's counter stayed contended (or the reads throttled) through every attempt: nothing
    was written, the filing may be sent again."""


class StatusChanged(Exception):
    """The request left the status the change was made from (someone else moved it first)."""


class RequestMoved(Exception):
    """A message's transaction found the request other than it was read: `item` is the request as it
    is now (empty when it is gone)."""

    def __init__(self, item: Item) -> None:
        super().__init__("request changed")
        self.item = item


@dataclass(frozen=True)
class StatusMove:
    """A change of status made in the same write as something else: from `expected` to `status`,
    with `entry` appended to the history."""

    expected: str
    status: str
    at: str
    entry: Item


@dataclass(frozen=True)
class BeforeMessage:
    """What a message reads before it copies any file: the request, whether its Idempotency-Key
    posted a message already, and which of its uploads are attached already."""

    request: Item | None
    posted: EarlierClaim | None
    attached: dict[str, str]  # upload key → the number of the request it is attached to


class RequestStore:
    def __init__(self) -> None:
        self._table = Table(request_settings().requests_table)

    # ------------------------------------------------------------ creation with a gap-free number
    def before_filing(self, year: int, claim: IdempotencyClaim, uploads: Sequence[str]) -> BeforeFiling:
        """One consistent BatchGetItem of the year's counter, the Idempotency-Key's claim and the
        uploads' claims: a filing that was made already, or an upload attached already, is answered
        before any file is copied. (The transaction checks both again: this read only spares work.)"""
        counter, claimed = counter_key(year), claim_key(claim)
        keys = [counter, claimed, *(upload_claim_key(u) for u in uploads)]
        try:
            found = self._table.batch_get(keys, consistent=True)
        except Unread:
            raise NumberingBusy from None
        by_key = {(str(item["pk"]), str(item["sk"])): item for item in found}
        counted = by_key.get((counter["pk"], counter["sk"]), {})
        old = by_key.get((claimed["pk"], claimed["sk"]))
        filed = _earlier_claim(claim, old) if old is not None else None
        attached = {}
        for upload in uploads:
            key = upload_claim_key(upload)
            if (key["pk"], key["sk"]) in by_key:
                attached[upload] = str(by_key[(key["pk"], key["sk"])].get("number", ""))
        return BeforeFiling(last=int(str(counted.get("last", 0))), filed=filed, attached=attached)

    def create_numbered(
        self,
        year: int,
        build: Callable[[int], Item],
        claim: IdempotencyClaim,
        uploads: Sequence[str] = (),
        last: int | None = None,
    ) -> Item:
        """Writes the request `build(number)` makes, numbered next in `year`; returns the item.

        The counter's increment and the request's put are one transaction whose counter update is
        conditional on the value the number was derived from: either both happen or neither, so
        a failed write leaves no gap and two writers never get the same number. A writer that lost
        the race reads the winning value from the cancellation and tries the next number.

        `claim` (the caller's Idempotency-Key and payload hash) is put in the same transaction, once
        ever: if it exists, the request was filed already and `AlreadyClaimed` names it. So is the claim
        of each upload in `uploads`: if one exists, that upload is attached already (`AlreadyAttached`).

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
            item = build(last + 1)
            try:
                self._table.transact(
                    [
                        self._counter_increment(counter, last),
                        self._table.put_action(item, condition="attribute_not_exists(pk)"),
                        self._table.put_action(
                            {**claim_key(claim), "payload": claim.payload, "claimed_by": item["sk"]},
                            condition="attribute_not_exists(pk)",
                            old_on_failure=True,
                        ),
                        *self._upload_claims(uploads, item),
                    ]
                )
                return item
            except ClientError as error:
                reasons = cancellation_reasons(error)
                if reasons is None:
                    raise
                old = _existing_claim(reasons, claim)
                if old is not None and old.request_id == item["request_id"]:
                    return item  # a retried call whose first attempt was written: this item is filed
                if old is not None:
                    raise AlreadyClaimed(old) from None
                _raise_if_attached(reasons, uploads)
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

    def _upload_claims(self, uploads: Sequence[str], item: Item) -> list["TransactWriteItemTypeDef"]:
        """The once-ever claim of each upload by this request, for the transaction."""
        return [
            self._table.put_action(
                {**upload_claim_key(upload), "attached_to": item["sk"], "number": item["number"]},
                condition="attribute_not_exists(pk)",
                old_on_failure=True,
            )
            for upload in uploads
        ]

    def exists(self, key: Key) -> bool:
        """Whether `key` is written (a consistent read: right after a write that may have failed)."""
        return self._table.get(key, consistent=True, projection="pk") is not None

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
    def get(self, user_id: str, request_id: str, consistent: bool = False) -> Item | None:
        return self._table.get(request_key(user_id, request_id), consistent=consistent)

    def list_for_user(self, user_id: str, limit: int, start: Key | None) -> tuple[list[Item], Item | None]:
        page = self._table.query(
            "pk = :pk AND begins_with(sk, :prefix)",
            {":pk": user_key(user_id), ":prefix": REQUEST_PREFIX},
            names={"#number": "number", "#type": "type", "#status": "status"},
            projection=_SUMMARY,
            newest_first=True,
            limit=limit,
            start=start,
        )
        return page.items, page.last_key

    def all_for_user(self, user_id: str) -> Iterator[Item]:
        """Every request of the consumer, whole (history included), oldest first: a Query per 1 MB
        (the consumer's data export, 152-ФЗ ст. 14)."""
        return self._table.query_all(
            "pk = :pk AND begins_with(sk, :prefix)", {":pk": user_key(user_id), ":prefix": REQUEST_PREFIX}
        )

    def depersonalise(self, key: Key) -> None:
        """Removes the consumer's email from a request of an erased account (152-ФЗ ст. 21 ч. 5): the
        request stays for the company's records, with nothing that names the person."""
        self._table.update(key, "REMOVE email")

    # ------------------------------------------------------------ the company's systems
    def key_of(self, request_id: str) -> Key | None:
        found = self._table.query("request_id = :id", {":id": request_id}, index="ById", limit=1).items
        return {"pk": str(found[0]["pk"]), "sk": str(found[0]["sk"])} if found else None

    def get_by_key(self, key: Key, consistent: bool = False) -> Item | None:
        return self._table.get(key, consistent=consistent)

    def list_by_status(
        self, status: str, since: str | None, limit: int, start: Key | None
    ) -> tuple[list[Item], Item | None]:
        condition = "#status = :status"
        values: dict[str, Any] = {":status": status}
        if since:
            condition += " AND status_changed_at >= :since"
            values[":since"] = since
        page = self._table.query(
            condition, values, names={"#status": "status"}, index="ByStatus", limit=limit, start=start
        )
        return page.items, page.last_key

    def change_status(self, key: Key, expected: str, status: str, at: str, entry: Item) -> Item:
        """Moves the request from `expected` to `status` and appends `entry` to its history."""
        try:
            return self._table.update(
                key,
                "SET #status = :status, status_changed_at = :at, updated_at = :at, "
                "history = list_append(history, :entry)",
                condition="#status = :expected",
                names={"#status": "status"},
                values={":status": status, ":at": at, ":entry": [entry], ":expected": expected},
                returns="ALL_NEW",
            )
        except ClientError as error:
            if condition_failed(error):
                raise StatusChanged from error
            raise

    def change_status_closing(self, key: Key, move: StatusMove) -> Item:
        """Moves the request to a status that closes it: as `change_status`, and nobody awaits an
        answer any more (the sparse attributes of AwaitingAnswer go)."""
        try:
            return self._table.update(
                key,
                f"{_MOVE} REMOVE awaiting_answer, awaiting_since",
                condition="#status = :expected",
                names={"#status": "status"},
                values=_move_values(move),
                returns="ALL_NEW",
            )
        except ClientError as error:
            if condition_failed(error):
                raise StatusChanged from error
            raise

    # ------------------------------------------------------------ the conversation
    def before_message(self, key: Key, claim: IdempotencyClaim, uploads: Sequence[str]) -> BeforeMessage:
        """One consistent BatchGetItem of the request, the Idempotency-Key's claim and the uploads'
        claims (the transaction checks them again: this read spares copying files for nothing)."""
        claimed = claim_key(claim)
        keys = [key, claimed, *(upload_claim_key(u) for u in uploads)]
        found = self._table.batch_get(keys, consistent=True)
        by_key = {(str(item["pk"]), str(item["sk"])): item for item in found}
        old = by_key.get((claimed["pk"], claimed["sk"]))
        posted = _earlier_claim(claim, old) if old is not None else None
        attached = {}
        for upload in uploads:
            upload_key = upload_claim_key(upload)
            if (upload_key["pk"], upload_key["sk"]) in by_key:
                attached[upload] = str(by_key[(upload_key["pk"], upload_key["sk"])].get("number", ""))
        return BeforeMessage(request=by_key.get((key["pk"], key["sk"])), posted=posted, attached=attached)

    def add_consumer_message(
        self,
        key: Key,
        expected: str,
        message: Item,
        claim: IdempotencyClaim,
        uploads: Sequence[str],
        move: StatusMove | None,
    ) -> None:
        """Writes the consumer's message in one transaction with its claims, while the request is
        still in status `expected`: the request now awaits an answer (since its oldest unanswered
        message) and, with `move`, changes its status."""
        expression = (
            "SET updated_at = :at, awaiting_answer = :awaiting, "
            "awaiting_since = if_not_exists(awaiting_since, :at)"
        )
        values: dict[str, Any] = {":at": message["at"], ":awaiting": AWAITING_CONSUMER, ":expected": expected}
        if move is not None:
            expression += (
                ", #status = :status, status_changed_at = :at, history = list_append(history, :entry)"
            )
            values.update({":status": move.status, ":entry": [move.entry]})
        update = self._table.update_action(
            key,
            expression,
            condition="#status = :expected",
            names={"#status": "status"},
            values=values,
            old_on_failure=True,
        )
        self._add_message(message, claim, uploads, update)

    def add_company_message(
        self, key: Key, message: Item, claim: IdempotencyClaim, uploads: Sequence[str]
    ) -> None:
        """Writes the company's message in one transaction with its claims: it answers whatever the
        consumer wrote before (the request leaves AwaitingAnswer)."""
        update = self._table.update_action(
            key,
            "SET updated_at = :at REMOVE awaiting_answer, awaiting_since",
            condition="attribute_exists(pk)",
            values={":at": message["at"]},
            old_on_failure=True,
        )
        self._add_message(message, claim, uploads, update)

    def _add_message(
        self,
        message: Item,
        claim: IdempotencyClaim,
        uploads: Sequence[str],
        update: "TransactWriteItemTypeDef",
    ) -> None:
        try:
            self._table.transact(
                [
                    update,
                    self._table.put_action(message, condition="attribute_not_exists(pk)"),
                    self._table.put_action(
                        {
                            **claim_key(claim),
                            "payload": claim.payload,
                            "message_pk": message["pk"],
                            "message_sk": message["sk"],
                        },
                        condition="attribute_not_exists(pk)",
                        old_on_failure=True,
                    ),
                    *self._upload_claims(uploads, message),
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons is None:
                raise
            old = _existing_claim(reasons, claim)
            if old is not None and old.message_id == message["message_id"]:
                return  # a retried call whose first attempt was written
            if old is not None:
                raise AlreadyClaimed(old) from None
            _raise_if_attached(reasons, uploads)
            if reasons and reasons[0].code == "ConditionalCheckFailed":
                raise RequestMoved(reasons[0].item) from None
            raise

    def message(
        self, user_id: str, request_id: str, message_id: str, consistent: bool = False
    ) -> Item | None:
        return self._table.get(message_key(user_id, request_id, message_id), consistent=consistent)

    def thread(
        self, user_id: str, request_id: str, limit: int, start: Key | None
    ) -> tuple[list[Item], Item | None]:
        """A page of the request's messages, oldest first: one Query under the owner's key."""
        page = self._table.query(
            "pk = :pk AND begins_with(sk, :prefix)",
            {":pk": user_key(user_id), ":prefix": thread_prefix(request_id)},
            limit=limit,
            start=start,
        )
        return page.items, page.last_key

    def awaiting_answer(
        self, since: str | None, limit: int, start: Key | None
    ) -> tuple[list[Item], Item | None]:
        """The requests whose consumer awaits an answer, the longest waiting first (sparse GSI)."""
        condition = "awaiting_answer = :awaiting"
        values: dict[str, Any] = {":awaiting": AWAITING_CONSUMER}
        if since:
            condition += " AND awaiting_since >= :since"
            values[":since"] = since
        page = self._table.query(condition, values, index=AWAITING_INDEX, limit=limit, start=start)
        return page.items, page.last_key


_MOVE = (
    "SET #status = :status, status_changed_at = :at, updated_at = :at, history = list_append(history, :entry)"
)


def _move_values(move: StatusMove) -> dict[str, Any]:
    return {":status": move.status, ":at": move.at, ":entry": [move.entry], ":expected": move.expected}
