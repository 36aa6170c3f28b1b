"""DynamoDB, one way for every store (docs/architecture.md «Data model and access patterns → Data access»).

Every store reaches its table through a `Table`: the one low-level client of `common/aws.py`, which
is thread-safe (the ASKUE sync worker's threads share it; a boto3 resource is not thread-safe, and
none is made), with items, keys and expression values as plain Python values (str, int, Decimal,
bytes, bool, None, sets, lists, dicts). They become DynamoDB's attribute values here, by boto3's own
`TypeSerializer`/`TypeDeserializer` — what a resource would do — so numbers come back as Decimal.

A store owns its item shapes, keys and expressions; this module owns only what every store repeats:
one call per method, the same DynamoDB operation the method is named after, nothing hidden. AWS
throttling and transient faults are retried by botocore (standard mode, `common/aws.py`); the one
loop here is BatchGetItem's keys left unprocessed, which botocore does not retry, paced by the one
backoff (`common/backoff.py`). Errors are botocore's `ClientError`; `condition_failed` and
`cancellation_reasons` read the two a store answers itself.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from functions.common.aws import dynamodb
from functions.common.backoff import Backoff

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

Item = dict[str, Any]
"""An item, a key or a page's last key as plain Python values."""
Returned = Literal["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]

_BATCH_KEYS = 100  # BatchGetItem's limit per call
_BATCH_WRITES = 25  # BatchWriteItem's limit per call
# Keys BatchGetItem leaves unprocessed (throttling) are asked for again, for at most this long.
_BATCH_BUDGET_S = 2.0
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def serialize(values: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values → DynamoDB's attribute values (an item, a key or expression values)."""
    return {name: _serializer.serialize(value) for name, value in values.items()}


def deserialize(item: Mapping[str, Any]) -> Item:
    """DynamoDB's attribute values → plain values (numbers as Decimal, binary as `Binary`)."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def condition_failed(error: ClientError) -> bool:
    """Whether a single-item write was refused by its condition."""
    return error_code(error) == "ConditionalCheckFailedException"


@dataclass(frozen=True)
class Reason:
    """Why one action of a cancelled transaction failed: `code` is DynamoDB's ("None" for an action
    that was fine, "ConditionalCheckFailed", "TransactionConflict", …); `item` the item as it was
    when the action asked for it (`old_on_failure`) and its condition failed, else empty."""

    code: str
    item: Item = field(default_factory=dict)


def cancellation_reasons(error: ClientError) -> list[Reason] | None:
    """The reasons of a cancelled transaction, one per action in the transaction's order; None when
    the error is not a cancelled transaction."""
    if error_code(error) != "TransactionCanceledException":
        return None
    reasons: list[dict[str, Any]] = error.response.get("CancellationReasons", [])  # type: ignore[assignment]
    return [Reason(str(r.get("Code", "")), deserialize(r.get("Item") or {})) for r in reasons]


class Unread(RuntimeError):
    """BatchGetItem kept leaving keys unprocessed (throttling) until its time was up."""


class Unwritten(RuntimeError):
    """BatchWriteItem kept leaving items unprocessed (throttling) until its time was up."""


@dataclass(frozen=True)
class Page:
    """One Query's items and the key to continue after (None when there is no more)."""

    items: list[Item]
    last_key: Item | None


def _expressions(
    condition: str | None, names: Mapping[str, str] | None, values: Mapping[str, Any] | None
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if condition is not None:
        found["ConditionExpression"] = condition
    if names:
        found["ExpressionAttributeNames"] = dict(names)
    if values:
        found["ExpressionAttributeValues"] = serialize(values)
    return found


class Table:
    """One table through the shared low-level client; items in and out as plain values."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._client = dynamodb()

    # ------------------------------------------------------------------ single items
    def get(
        self,
        key: Mapping[str, Any],
        *,
        consistent: bool = False,
        projection: str | None = None,
        names: Mapping[str, str] | None = None,
    ) -> Item | None:
        """GetItem: the item, or None."""
        request: dict[str, Any] = {"TableName": self.name, "Key": serialize(key)}
        if consistent:
            request["ConsistentRead"] = True
        if projection is not None:
            request["ProjectionExpression"] = projection
        if names:
            request["ExpressionAttributeNames"] = dict(names)
        found = self._client.get_item(**request).get("Item")
        return deserialize(found) if found is not None else None

    def put(
        self,
        item: Mapping[str, Any],
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """PutItem (conditional when `condition` is given)."""
        self._client.put_item(
            TableName=self.name, Item=serialize(item), **_expressions(condition, names, values)
        )

    def update(
        self,
        key: Mapping[str, Any],
        expression: str,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        returns: Returned = "NONE",
    ) -> Item:
        """UpdateItem; the attributes `returns` asks for (empty for NONE)."""
        request: dict[str, Any] = {
            "TableName": self.name,
            "Key": serialize(key),
            "UpdateExpression": expression,
            **_expressions(condition, names, values),
        }
        if returns != "NONE":
            request["ReturnValues"] = returns
        answer = self._client.update_item(**request)
        return deserialize(answer.get("Attributes") or {})

    def delete(
        self,
        key: Mapping[str, Any],
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """DeleteItem (conditional when `condition` is given)."""
        self._client.delete_item(
            TableName=self.name, Key=serialize(key), **_expressions(condition, names, values)
        )

    # ------------------------------------------------------------------ reads of many items
    def query(
        self,
        condition: str,
        values: Mapping[str, Any],
        *,
        names: Mapping[str, str] | None = None,
        index: str | None = None,
        projection: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        start: Mapping[str, Any] | None = None,
        consistent: bool = False,
        filter: str | None = None,
    ) -> Page:
        """One Query: a page of items in sort-key order (descending when `newest_first`), from after
        `start` (a page's `last_key`); strongly consistent when `consistent` (the table only, never
        an index)."""
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            **_expressions(None, names, values),
        }
        if index is not None:
            request["IndexName"] = index
        if projection is not None:
            request["ProjectionExpression"] = projection
        if newest_first:
            request["ScanIndexForward"] = False
        if limit is not None:
            request["Limit"] = limit
        if start:
            request["ExclusiveStartKey"] = serialize(start)
        if consistent:
            request["ConsistentRead"] = True
        if filter is not None:
            request["FilterExpression"] = filter
        answer = self._client.query(**request)
        items = [deserialize(item) for item in answer.get("Items", [])]
        last = answer.get("LastEvaluatedKey")
        return Page(items, deserialize(last) if last else None)

    def query_all(
        self,
        condition: str,
        values: Mapping[str, Any],
        *,
        names: Mapping[str, str] | None = None,
        index: str | None = None,
        projection: str | None = None,
    ) -> Iterator[Item]:
        """Every item the Query finds: one Query per page (1 MB), in sort-key order."""
        start: Item | None = None
        while True:
            page = self.query(condition, values, names=names, index=index, projection=projection, start=start)
            yield from page.items
            if page.last_key is None:
                return
            start = page.last_key

    def batch_get(self, keys: Sequence[Mapping[str, Any]], *, consistent: bool = False) -> list[Item]:
        """The items of `keys` that exist, in no particular order: one BatchGetItem per 100 keys,
        and again for keys DynamoDB left unprocessed (with backoff); `Unread` when some stayed so."""
        found: list[Item] = []
        for first in range(0, len(keys), _BATCH_KEYS):
            chunk = [serialize(key) for key in keys[first : first + _BATCH_KEYS]]
            request: dict[str, Any] = {self.name: {"Keys": chunk, "ConsistentRead": consistent}}
            backoff = Backoff(first=0.005, cap=0.2, budget=_BATCH_BUDGET_S)
            while True:
                answer = self._client.batch_get_item(RequestItems=request)
                found += [deserialize(item) for item in answer.get("Responses", {}).get(self.name, [])]
                request = dict(answer.get("UnprocessedKeys") or {})
                if not request:
                    break
                if not backoff.wait():
                    raise Unread(self.name)
        return found

    def batch_put(self, items: Sequence[Mapping[str, Any]]) -> None:
        """Puts every item (unconditionally): see `_batch_write`."""
        self._batch_write([{"PutRequest": {"Item": serialize(item)}} for item in items])

    def batch_delete(self, keys: Sequence[Mapping[str, Any]]) -> None:
        """Deletes the items of `keys` (unconditionally; one that is gone is no error): see `_batch_write`."""
        self._batch_write([{"DeleteRequest": {"Key": serialize(key)}} for key in keys])

    def _batch_write(self, writes: Sequence[Mapping[str, Any]]) -> None:
        """One BatchWriteItem per 25 writes, and again for those DynamoDB left unprocessed (with
        backoff); `Unwritten` when some stayed so."""
        for first in range(0, len(writes), _BATCH_WRITES):
            request: dict[str, Any] = {self.name: list(writes[first : first + _BATCH_WRITES])}
            backoff = Backoff(first=0.005, cap=0.2, budget=_BATCH_BUDGET_S)
            while True:
                answer = self._client.batch_write_item(RequestItems=request)
                request = dict(answer.get("UnprocessedItems") or {})
                if not request:
                    break
                if not backoff.wait():
                    raise Unwritten(self.name)

    def batch_put_unwritten(self, items: Sequence[Mapping[str, Any]]) -> list[Item]:
        """Puts every item as `batch_put` does (each chunk of 25 on its own), and returns those
        DynamoDB still left unprocessed when the backoff's budget ran out, instead of raising: the
        caller tells which of its records were written (the ASKUE sync's batch of snapshots)."""
        unwritten: list[Item] = []
        for first in range(0, len(items), _BATCH_WRITES):
            chunk = [
                {"PutRequest": {"Item": serialize(item)}} for item in items[first : first + _BATCH_WRITES]
            ]
            request: dict[str, Any] = {self.name: chunk}
            backoff = Backoff(first=0.005, cap=0.2, budget=_BATCH_BUDGET_S)
            while True:
                answer = self._client.batch_write_item(RequestItems=request)
                request = dict(answer.get("UnprocessedItems") or {})
                if not request:
                    break
                if not backoff.wait():
                    unwritten += [deserialize(put["PutRequest"]["Item"]) for put in request[self.name]]
                    break
        return unwritten

    # ------------------------------------------------------------------ transactions
    def put_action(
        self,
        item: Mapping[str, Any],
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        old_on_failure: bool = False,
    ) -> "TransactWriteItemTypeDef":
        """A Put for `transact`; `old_on_failure` returns the item as it was when the condition fails
        (read with `cancellation_reasons`)."""
        put: Any = {"TableName": self.name, "Item": serialize(item), **_expressions(condition, names, values)}
        if old_on_failure:
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Put": put}

    def update_action(
        self,
        key: Mapping[str, Any],
        expression: str,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        old_on_failure: bool = False,
    ) -> "TransactWriteItemTypeDef":
        """An Update for `transact` (see `put_action`)."""
        update: Any = {
            "TableName": self.name,
            "Key": serialize(key),
            "UpdateExpression": expression,
            **_expressions(condition, names, values),
        }
        if old_on_failure:
            update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Update": update}

    def delete_action(
        self,
        key: Mapping[str, Any],
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> "TransactWriteItemTypeDef":
        """A Delete for `transact`, on `condition` when given."""
        delete: Any = {
            "TableName": self.name,
            "Key": serialize(key),
            **_expressions(condition, names, values),
        }
        return {"Delete": delete}

    def transact(self, actions: Sequence["TransactWriteItemTypeDef"]) -> None:
        """TransactWriteItems: every action or none. A cancellation is a ClientError whose reasons
        `cancellation_reasons` reads."""
        self._client.transact_write_items(TransactItems=list(actions))
