"""Service requests in DynamoDB and their files in S3: the only place that knows either.

One table, keyed for the ways it is read:

* a request: `pk = USER#<sub>`, `sk = REQUEST#<id>`; the id is time-ordered (a ULID), so a consumer's
  requests newest first are one Query, and a request's detail is one GetItem under the caller's own
  key (another consumer's id simply is not there);
* the yearly number counter: `pk = COUNTER#<year>`, `sk = REQUEST_NUMBER`, attribute `last`;
* GSI `ByStatus` (`status`, `status_changed_at`): the company's systems list a status by time;
* GSI `ById` (`request_id`, keys only): the company's systems address a request by its id alone.
"""

import random
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any

from botocore.exceptions import ClientError

from functions.common.aws import s3, table
from functions.common.problems import Problem
from functions.requests.settings import request_settings

REQUEST_PREFIX = "REQUEST#"
USER_PREFIX = "USER#"
_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A consumer's list reads the summary only: the history and fields stay in the item.
_SUMMARY = "request_id, #number, #type, #status, created_at, review_deadline"
_NUMBERING_ATTEMPTS = 60

Item = dict[str, Any]
Key = dict[str, str]


def new_request_id(moment: datetime) -> str:
    """A ULID: 48 bits of milliseconds and 80 random bits in Crockford base32, sortable by time."""
    value = (int(moment.timestamp() * 1000) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def is_request_id(value: str) -> bool:
    return bool(_ID.match(value))


def user_key(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def request_key(user_id: str, request_id: str) -> Key:
    return {"pk": user_key(user_id), "sk": f"{REQUEST_PREFIX}{request_id}"}


class AlreadyFiled(Exception):
    """The Idempotency-Key was used before: `key` is the request it filed, `claim` what it claimed."""

    def __init__(self, key: Key, claim: dict[str, str]) -> None:
        super().__init__(key["sk"])
        self.key = key
        self.claim = claim


def _raise_if_claimed(error: ClientError, pk: str) -> None:
    reasons: list[dict[str, Any]] = error.response.get("CancellationReasons", [])  # type: ignore[assignment]
    claim = reasons[2] if len(reasons) > 2 else {}
    if claim.get("Code") == "ConditionalCheckFailed" and "Item" in claim:
        old = {name: str(value.get("S", "")) for name, value in claim["Item"].items()}
        raise AlreadyFiled({"pk": pk, "sk": old["claimed_by"]}, old)


class StatusChanged(Exception):
    """The request left the status the change was made from (someone else moved it first)."""


class RequestStore:
    def __init__(self) -> None:
        self._name = request_settings().requests_table
        self._table = table(self._name)

    # ------------------------------------------------------------ creation with a gap-free number
    def create_numbered(self, year: int, build: Callable[[int], Item], claim: Key) -> Item:
        """Writes the request `build(number)` makes, numbered next in `year`; returns the item.

        The counter's increment and the request's put are one transaction whose counter update is
        conditional on the value the number was derived from: either both happen or neither, so
        a failed write leaves no gap and two writers never get the same number. A writer that lost
        the race reads the winning value from the cancellation and tries the next number.

        `claim` (the caller's Idempotency-Key and payload hash) is put in the same transaction, once
        ever: if it exists, the request was filed already and `AlreadyFiled` names it.
        """
        counter = {"pk": f"COUNTER#{year}", "sk": "REQUEST_NUMBER"}
        last = self._counter_value(counter)
        for attempt in range(_NUMBERING_ATTEMPTS):
            item = build(last + 1)
            condition = "attribute_not_exists(#last)" if last == 0 else "#last = :last"
            values: dict[str, Any] = {":one": 1} if last == 0 else {":one": 1, ":last": last}
            try:
                self._table.meta.client.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": self._name,
                                "Key": counter,
                                "UpdateExpression": "ADD #last :one",
                                "ConditionExpression": condition,
                                "ExpressionAttributeNames": {"#last": "last"},
                                "ExpressionAttributeValues": values,
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self._name,
                                "Item": item,
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self._name,
                                "Item": {**claim, "claimed_by": item["sk"]},
                                "ConditionExpression": "attribute_not_exists(pk)",
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                            }
                        },
                    ]
                )
                return item
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                _raise_if_claimed(error, item["pk"])
                last = self._winning_value(error, counter, attempt)
        raise Problem(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "Заявка не зарегистрирована",
            "Сейчас регистрируется слишком много заявок. Повторите отправку через минуту.",
        )

    def _winning_value(self, error: ClientError, counter: Key, attempt: int) -> int:
        reasons: list[dict[str, Any]] = error.response.get("CancellationReasons", [])  # type: ignore[assignment]
        first = reasons[0] if reasons else {}
        if first.get("Code") == "ConditionalCheckFailed" and "last" in first.get("Item", {}):
            return int(first["Item"]["last"]["N"])
        # A conflicting transaction or throttling: back off a little and read the counter again.
        time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))  # noqa: S311 (jitter, not security)  # nosec B311
        return self._counter_value(counter)

    def _counter_value(self, counter: Key) -> int:
        found = self._table.get_item(Key=counter, ConsistentRead=True).get("Item") or {}
        return int(str(found.get("last", 0)))

    # ------------------------------------------------------------ a consumer's reads
    def get(self, user_id: str, request_id: str) -> Item | None:
        return self._table.get_item(Key=request_key(user_id, request_id)).get("Item")

    def list_for_user(self, user_id: str, limit: int, start: Key | None) -> tuple[list[Item], Item | None]:
        query: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": user_key(user_id), ":prefix": REQUEST_PREFIX},
            "ExpressionAttributeNames": {"#number": "number", "#type": "type", "#status": "status"},
            "ProjectionExpression": _SUMMARY,
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if start:
            query["ExclusiveStartKey"] = start
        page = self._table.query(**query)
        return page.get("Items", []), page.get("LastEvaluatedKey")

    # ------------------------------------------------------------ the company's systems
    def key_of(self, request_id: str) -> Key | None:
        found = self._table.query(
            IndexName="ById",
            KeyConditionExpression="request_id = :id",
            ExpressionAttributeValues={":id": request_id},
            Limit=1,
        ).get("Items", [])
        return {"pk": str(found[0]["pk"]), "sk": str(found[0]["sk"])} if found else None

    def get_by_key(self, key: Key) -> Item | None:
        return self._table.get_item(Key=key).get("Item")

    def list_by_status(
        self, status: str, since: str | None, limit: int, start: Key | None
    ) -> tuple[list[Item], Item | None]:
        condition = "#status = :status"
        values: dict[str, Any] = {":status": status}
        if since:
            condition += " AND status_changed_at >= :since"
            values[":since"] = since
        query: dict[str, Any] = {
            "IndexName": "ByStatus",
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": values,
            "Limit": limit,
        }
        if start:
            query["ExclusiveStartKey"] = start
        page = self._table.query(**query)
        return page.get("Items", []), page.get("LastEvaluatedKey")

    def change_status(self, key: Key, expected: str, status: str, at: str, entry: Item) -> Item:
        """Moves the request from `expected` to `status` and appends `entry` to its history."""
        try:
            updated = self._table.update_item(
                Key=key,
                UpdateExpression="SET #status = :status, status_changed_at = :at, updated_at = :at, "
                "history = list_append(history, :entry)",
                ConditionExpression="#status = :expected",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":status": status,
                    ":at": at,
                    ":entry": [entry],
                    ":expected": expected,
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise StatusChanged from error
            raise
        return updated["Attributes"]


class UploadStore:
    """The uploads bucket: presigned forms, checks of what was uploaded, download links."""

    # Uploads carry this tag until a request attaches them; the bucket's lifecycle deletes the rest.
    PENDING_TAGGING = "<Tagging><TagSet><Tag><Key>attached</Key><Value>no</Value></Tag></TagSet></Tagging>"

    def __init__(self) -> None:
        self._bucket = request_settings().uploads_bucket

    def presigned_post(
        self, key: str, content_type: str, max_size: int, expires_in: int, metadata: dict[str, str]
    ) -> tuple[str, dict[str, str]]:
        """A form that lets the browser store exactly `key`, of this type and at most `max_size`."""
        fields = {"Content-Type": content_type, "tagging": self.PENDING_TAGGING, **metadata}
        form = s3().generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields=fields,
            Conditions=[
                *({name: value} for name, value in fields.items()),
                ["content-length-range", 1, max_size],
            ],
            ExpiresIn=expires_in,
        )
        return str(form["url"]), {k: str(v) for k, v in form["fields"].items()}

    def head(self, key: str) -> tuple[int, str, dict[str, str]] | None:
        """The stored size, content type and metadata of `key`, or None when nothing is stored there."""
        try:
            found = s3().head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            # Without s3:ListBucket (not granted) S3 answers a missing key with 403, not 404.
            if error.response.get("Error", {}).get("Code") in ("403", "404", "NoSuchKey", "NotFound"):
                return None
            raise
        return (
            int(found.get("ContentLength", 0)),
            str(found.get("ContentType", "")),
            found.get("Metadata", {}),
        )

    def first_bytes(self, key: str, count: int) -> bytes:
        answer = s3().get_object(Bucket=self._bucket, Key=key, Range=f"bytes=0-{count - 1}")
        return answer["Body"].read()

    def mark_attached(self, key: str) -> None:
        s3().put_object_tagging(
            Bucket=self._bucket, Key=key, Tagging={"TagSet": [{"Key": "attached", "Value": "yes"}]}
        )

    def download_url(self, key: str, filename: str, content_type: str, expires_in: int) -> str:
        from urllib.parse import quote

        return s3().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )
